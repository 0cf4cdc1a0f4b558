#include "powersel/common/idx.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <numeric>
#include <string>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"

namespace powersel {

namespace {

constexpr std::uint8_t kUnsignedByteType = 0x08;
constexpr std::uint32_t kMaxDims = 8;

struct GzCloser {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzHandle = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

std::uint32_t BigEndian32(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

void ReadExactly(gzFile file, void* buffer, std::size_t size, const std::filesystem::path& path,
                 const char* field) {
  const int got = gzread(file, buffer, static_cast<unsigned>(size));
  if (got < 0 || static_cast<std::size_t>(got) != size) {
    throw InputError(path.string(), field, "file is truncated or not a valid (gzip) IDX file");
  }
}

}  // namespace

std::size_t IdxArray::ItemSize() const {
  if (dims.empty()) {
    return 0;
  }
  return std::accumulate(dims.begin() + 1, dims.end(), std::size_t{1},
                         [](std::size_t a, std::uint32_t b) { return a * b; });
}

IdxArray ReadIdx(const std::filesystem::path& path) {
  GzHandle file(gzopen(path.c_str(), "rb"));
  if (!file) {
    throw InputError(path.string(), "", "cannot open IDX file");
  }
  std::array<std::uint8_t, 4> magic{};
  ReadExactly(file.get(), magic.data(), magic.size(), path, "magic");
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != kUnsignedByteType || magic[3] == 0 ||
      magic[3] > kMaxDims) {
    throw InputError(path.string(), "magic",
                     "expected an unsigned-byte IDX header (00 00 08 <dims>)");
  }
  IdxArray array;
  for (std::uint8_t d = 0; d < magic[3]; ++d) {
    std::array<std::uint8_t, 4> dim{};
    ReadExactly(file.get(), dim.data(), dim.size(), path, "dims");
    array.dims.push_back(BigEndian32(dim.data()));
    // Matrix and the datasets index with int.
    if (array.dims.back() > static_cast<std::uint32_t>(std::numeric_limits<int>::max())) {
      throw InputError(path.string(), fmt::format("dims[{}]", d),
                       fmt::format("{} is above 2^31 - 1", array.dims.back()));
    }
  }
  // ItemSize() multiplies all dims but the first, which can overflow even when the first is 0.
  std::size_t item = 1;
  std::size_t count = 0;
  for (std::size_t d = 1; d < array.dims.size(); ++d) {
    if (__builtin_mul_overflow(item, std::size_t{array.dims[d]}, &item)) {
      throw InputError(path.string(), "dims", "the product of the dimensions overflows");
    }
  }
  if (__builtin_mul_overflow(item, std::size_t{array.dims[0]}, &count)) {
    throw InputError(path.string(), "dims", "the product of the dimensions overflows");
  }
  // Read in chunks instead of allocating the declared size up front: a corrupt header must not
  // claim gigabytes before the data runs out.
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  while (array.values.size() < count) {
    const std::size_t at = array.values.size();
    const std::size_t chunk = std::min(kChunk, count - at);
    array.values.resize(at + chunk);
    ReadExactly(file.get(), array.values.data() + at, chunk, path, "data");
  }
  std::uint8_t extra = 0;
  if (gzread(file.get(), &extra, 1) != 0) {
    throw InputError(path.string(), "data", "trailing bytes after the declared dimensions");
  }
  return array;
}

std::vector<Matrix<std::uint8_t>> ReadIdxImages(const std::filesystem::path& path,
                                                std::size_t count) {
  const IdxArray array = ReadIdx(path);
  if (array.dims.size() != 3) {
    throw InputError(path.string(), "dims", "expected images (N x height x width)");
  }
  if (array.dims[0] < count) {
    throw InputError(
        path.string(), "dims",
        "holds " + std::to_string(array.dims[0]) + " images, " + std::to_string(count) + " needed");
  }
  const int height = static_cast<int>(array.dims[1]);
  const int width = static_cast<int>(array.dims[2]);
  std::vector<Matrix<std::uint8_t>> images;
  for (std::size_t i = 0; i < count; ++i) {
    Matrix<std::uint8_t>& image = images.emplace_back(height, width);
    const auto begin = array.values.begin() + static_cast<std::ptrdiff_t>(i * array.ItemSize());
    std::copy(begin, begin + static_cast<std::ptrdiff_t>(array.ItemSize()), image.values().begin());
  }
  return images;
}

void WriteIdx(const std::filesystem::path& path, const IdxArray& array) {
  std::string bytes = {0, 0, static_cast<char>(kUnsignedByteType),
                       static_cast<char>(array.dims.size())};
  for (const std::uint32_t dim : array.dims) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      bytes.push_back(static_cast<char>((dim >> shift) & 0xFF));
    }
  }
  bytes.append(array.values.begin(), array.values.end());
  if (path.extension() != ".gz") {
    WriteFileAtomically(path, bytes);
    return;
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(bytes.size())) + 64;
  std::string compressed(compressed_size, '\0');
  // gzip framing (windowBits 15 + 16) so that gzopen and zcat read it.
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw InputError(path.string(), "", "zlib cannot start compression");
  }
  stream.next_in = reinterpret_cast<Bytef*>(bytes.data());
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(compressed.data());
  stream.avail_out = static_cast<uInt>(compressed.size());
  const int status = deflate(&stream, Z_FINISH);
  compressed.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) {
    throw InputError(path.string(), "", "zlib compression failed");
  }
  WriteFileAtomically(path, compressed);
}

}  // namespace powersel
