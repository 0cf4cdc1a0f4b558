// IDX files: round trip through the writer, and corrupt files are refused with the field.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "powersel/common/errors.hpp"
#include "powersel/common/idx.hpp"

using namespace powersel;

TEST_CASE("IDX arrays survive a write and read, plain and gzip", "[common]") {
  const std::string extension = GENERATE(std::string(".idx"), std::string(".idx.gz"));
  const auto path = std::filesystem::temp_directory_path() / ("powersel_roundtrip" + extension);
  IdxArray array{{3, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255}};
  WriteIdx(path, array);
  const IdxArray back = ReadIdx(path);
  CHECK(back.dims == array.dims);
  CHECK(back.values == array.values);
  const auto images = ReadIdxImages(path, 2);
  REQUIRE(images.size() == 2);
  CHECK(images[1](1, 1) == 7);
}

TEST_CASE("truncated and foreign files are refused", "[common]") {
  const auto path = std::filesystem::temp_directory_path() / "powersel_truncated.idx";
  WriteIdx(path, IdxArray{{4, 3}, std::vector<std::uint8_t>(12, 1)});
  std::filesystem::resize_file(path, 12);
  CHECK_THROWS_WITH(ReadIdx(path), Catch::Contains("data: file is truncated"));
  std::ofstream(path) << "not an idx file at all";
  CHECK_THROWS_WITH(ReadIdx(path), Catch::Contains("magic"));
  CHECK_THROWS_AS(ReadIdx("/nonexistent.idx"), InputError);
}

namespace {

std::filesystem::path WriteBytes(const std::string& name,
                                 std::initializer_list<std::uint8_t> bytes) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(std::data(bytes)),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace

TEST_CASE("a header whose dimensions multiply past 64 bits is refused", "[common]") {
  // Three dimensions of 2^31 - 1 overflow the total; with a leading 0 the total is 0 but the
  // size of one item (ItemSize) still overflows.
  const auto total = WriteBytes(
      "powersel_overflow.idx",
      {0, 0, 8, 3, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF});
  CHECK_THROWS_WITH(ReadIdx(total),
                    Catch::Contains("dims: the product of the dimensions overflows"));
  const auto item = WriteBytes("powersel_overflow_item.idx",
                               {0,    0,    8,    4,    0,    0,    0,    0,    0x7F, 0xFF,
                                0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF});
  CHECK_THROWS_WITH(ReadIdx(item),
                    Catch::Contains("dims: the product of the dimensions overflows"));
}

TEST_CASE("a dimension above 2^31 - 1 is refused with its index", "[common]") {
  const auto path = WriteBytes("powersel_wide.idx", {0, 0, 8, 2, 0, 0, 0, 1, 0x80, 0, 0, 0});
  CHECK_THROWS_WITH(ReadIdx(path), Catch::Contains("dims[1]"));
}

TEST_CASE("a header claiming 860 GB of data in a 14-byte file is truncated input", "[common]") {
  // Found by fuzz_idx: the reader allocated the declared size before reading any of it.
  const auto path =
      WriteBytes("powersel_huge.idx", {0, 0, 8, 2, 0, 0xF8, 0xFE, 0, 0, 0, 0xCE, 0x02, 0x09, 0x02});
  CHECK_THROWS_WITH(ReadIdx(path), Catch::Contains("data: file is truncated"));
}

TEST_CASE("the Debian Fashion-MNIST test images are readable", "[common]") {
  const auto images = ReadIdxImages(kFashionMnistTestImages, 3);
  REQUIRE(images.size() == 3);
  CHECK(images[0].rows() == 28);
  CHECK(images[0].cols() == 28);
}
