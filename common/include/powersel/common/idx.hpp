// IDX files (the MNIST family's format), plain or gzip-compressed, unsigned-byte data only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "powersel/common/matrix.hpp"

namespace powersel {

struct IdxArray {
  std::vector<std::uint32_t> dims;  // outermost first, e.g. {count, 28, 28}
  std::vector<std::uint8_t> values;

  std::size_t ItemSize() const;  // product of all dims but the first
};

// Throws InputError naming the file and the part that is wrong (magic, dims, data).
IdxArray ReadIdx(const std::filesystem::path& path);

// Writes gzip-compressed when the name ends in ".gz"; atomic like every output.
void WriteIdx(const std::filesystem::path& path, const IdxArray& array);

// The first `count` images of an IDX image file (N x H x W) as H x W matrices; throws
// InputError if the file holds fewer.
std::vector<Matrix<std::uint8_t>> ReadIdxImages(const std::filesystem::path& path,
                                                std::size_t count);

// Images and labels of Debian's dataset-fashion-mnist package.
inline const std::filesystem::path kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
// Its 10,000 test images: the real convolution inputs of regressions and characterisation.
inline const std::filesystem::path kFashionMnistTestImages =
    kFashionMnistDir / "t10k-images-idx3-ubyte.gz";

}  // namespace powersel
