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

TEST_CASE("the Debian Fashion-MNIST test images are readable", "[common]") {
  const auto images = ReadIdxImages(kFashionMnistTestImages, 3);
  REQUIRE(images.size() == 3);
  CHECK(images[0].rows() == 28);
  CHECK(images[0].cols() == 28);
}
