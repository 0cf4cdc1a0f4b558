#include "powersel/qat/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/idx.hpp"

namespace powersel::qat {

namespace {

constexpr int kCifarSide = 32;
constexpr int kCifarChannels = 3;
constexpr int kCifarClasses = 10;
constexpr int kMnistSide = 28;
constexpr int kMnistDigits = 10;
constexpr std::size_t kMnistTest = 2000;  // of the package's 10,000 digits

std::vector<std::size_t> Shuffled(std::size_t count, std::uint64_t seed) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

// Seeded shuffle, then the first `validation_size` become validation and the rest training.
void CarveValidation(const ImageDataset& full_train, const DatasetSpec& spec,
                     DatasetSplits& splits) {
  constexpr std::size_t kDefaultValidation = 5000;
  const std::size_t validation_size =
      spec.validation_size > 0
          ? spec.validation_size
          : (spec.kind == DatasetKind::kMnist ? full_train.size() / 10 : kDefaultValidation);
  if (validation_size >= full_train.size()) {
    throw InputError("", "validation_size",
                     fmt::format("{} validation images leave no training data of {}",
                                 validation_size, full_train.size()));
  }
  const std::vector<std::size_t> order = Shuffled(full_train.size(), spec.seed);
  const auto cut = order.begin() + static_cast<std::ptrdiff_t>(validation_size);
  std::vector<std::size_t> train(cut, order.end());
  if (spec.train_limit > 0 && train.size() > spec.train_limit) {
    train.resize(spec.train_limit);
  }
  splits.validation = full_train.Subset({order.begin(), cut});
  splits.train = full_train.Subset(train);
}

void LimitTest(const DatasetSpec& spec, DatasetSplits& splits) {
  if (spec.test_limit > 0 && splits.test.size() > spec.test_limit) {
    std::vector<std::size_t> first(spec.test_limit);
    std::iota(first.begin(), first.end(), std::size_t{0});
    splits.test = splits.test.Subset(first);
  }
}

}  // namespace

ImageDataset ImageDataset::Subset(const std::vector<std::size_t>& indices) const {
  ImageDataset subset{name, channels, height, width, {}, {}};
  subset.images.reserve(indices.size() * ImageSize());
  for (const std::size_t index : indices) {
    const auto image = Image(index);
    subset.images.insert(subset.images.end(), image.begin(), image.end());
    subset.labels.push_back(labels[index]);
  }
  return subset;
}

std::string DatasetName(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kFashionMnist:
      return "fashion-mnist";
    case DatasetKind::kMnist:
      return "mnist";
    case DatasetKind::kCifar10:
      return "cifar10";
  }
  return "unknown";
}

std::optional<DatasetKind> FindDataset(const std::string& name) {
  for (const DatasetKind kind :
       {DatasetKind::kFashionMnist, DatasetKind::kMnist, DatasetKind::kCifar10}) {
    if (DatasetName(kind) == name) {
      return kind;
    }
  }
  return std::nullopt;
}

std::filesystem::path DefaultDatasetDir(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kFashionMnist:
      return kFashionMnistDir;
    case DatasetKind::kMnist:
      return "data/mnist";
    case DatasetKind::kCifar10:
      return "data/cifar-10-batches-bin";
  }
  return {};
}

ImageDataset ReadIdxDataset(const std::filesystem::path& images,
                            const std::filesystem::path& labels, const std::string& name) {
  IdxArray pixels = ReadIdx(images);
  IdxArray classes = ReadIdx(labels);
  if (pixels.dims.size() != 3) {
    throw InputError(images.string(), "dims", "expected images (N x height x width)");
  }
  if (classes.dims.size() != 1 || classes.dims[0] != pixels.dims[0]) {
    throw InputError(labels.string(), "dims",
                     fmt::format("expected {} labels to match the images", pixels.dims[0]));
  }
  return {name,
          1,
          static_cast<int>(pixels.dims[1]),
          static_cast<int>(pixels.dims[2]),
          std::move(pixels.values),
          std::move(classes.values)};
}

ImageDataset ReadCifar10(const std::vector<std::filesystem::path>& batches) {
  ImageDataset dataset{"cifar10", kCifarChannels, kCifarSide, kCifarSide, {}, {}};
  constexpr std::size_t kRecord = 1 + kCifarChannels * kCifarSide * kCifarSide;
  for (const std::filesystem::path& batch : batches) {
    std::ifstream in(batch, std::ios::binary);
    if (!in) {
      throw InputError(batch.string(), "", "cannot open CIFAR-10 batch");
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    if (bytes.empty() || bytes.size() % kRecord != 0) {
      throw InputError(
          batch.string(), "records",
          fmt::format("size {} is not a whole number of {}-byte records", bytes.size(), kRecord));
    }
    for (std::size_t offset = 0; offset < bytes.size(); offset += kRecord) {
      const auto label = static_cast<std::uint8_t>(bytes[offset]);
      if (label >= kCifarClasses) {
        throw InputError(batch.string(), fmt::format("record {}", offset / kRecord),
                         fmt::format("label {} is not a class 0..9", label));
      }
      dataset.labels.push_back(label);
      dataset.images.insert(dataset.images.end(),
                            bytes.begin() + static_cast<std::ptrdiff_t>(offset + 1),
                            bytes.begin() + static_cast<std::ptrdiff_t>(offset + kRecord));
    }
  }
  return dataset;
}

std::size_t ConvertMnistJson(const std::filesystem::path& digits_dir,
                             const std::filesystem::path& out_dir) {
  constexpr std::size_t kPixels = kMnistSide * kMnistSide;
  IdxArray images{{0, kMnistSide, kMnistSide}, {}};
  IdxArray labels{{0}, {}};
  for (int digit = 0; digit < kMnistDigits; ++digit) {
    const std::filesystem::path file = digits_dir / fmt::format("{}.json", digit);
    nlohmann::json document = ReadJsonFile(file, "MNIST digits (run scripts/fetch_mnist.sh)");
    if (!document.contains("data") || !document["data"].is_array() ||
        document["data"].size() % kPixels != 0) {
      throw InputError(file.string(), "data", fmt::format("expected an array of 784 x n values"));
    }
    for (const auto& value : document["data"]) {
      const double intensity = value.is_number() ? value.get<double>() : -1.0;
      if (!(intensity >= 0.0 && intensity <= 1.0)) {
        throw InputError(file.string(), "data", "expected values in 0..1");
      }
      images.values.push_back(static_cast<std::uint8_t>(std::lround(intensity * 255.0)));
    }
    const std::size_t count = document["data"].size() / kPixels;
    labels.values.insert(labels.values.end(), count, static_cast<std::uint8_t>(digit));
  }
  images.dims[0] = static_cast<std::uint32_t>(labels.values.size());
  labels.dims[0] = images.dims[0];
  EnsureOutputDirectory(out_dir, "--out");
  WriteIdx(out_dir / "all-images-idx3-ubyte.gz", images);
  WriteIdx(out_dir / "all-labels-idx1-ubyte.gz", labels);
  return labels.values.size();
}

DatasetSplits LoadDataset(const DatasetSpec& spec) {
  const std::filesystem::path dir = spec.dir.empty() ? DefaultDatasetDir(spec.kind) : spec.dir;
  DatasetSplits splits;
  switch (spec.kind) {
    case DatasetKind::kFashionMnist: {
      const ImageDataset train = ReadIdxDataset(
          dir / "train-images-idx3-ubyte.gz", dir / "train-labels-idx1-ubyte.gz", "fashion-mnist");
      CarveValidation(train, spec, splits);
      splits.test = ReadIdxDataset(dir / "t10k-images-idx3-ubyte.gz",
                                   dir / "t10k-labels-idx1-ubyte.gz", "fashion-mnist");
      break;
    }
    case DatasetKind::kMnist: {
      // The package's digits come sorted by class: shuffle (seeded) before splitting.
      const ImageDataset all = ReadIdxDataset(dir / "all-images-idx3-ubyte.gz",
                                              dir / "all-labels-idx1-ubyte.gz", "mnist");
      if (all.size() <= kMnistTest) {
        throw InputError((dir / "all-images-idx3-ubyte.gz").string(), "dims",
                         "too few images for a 2,000-image test split");
      }
      const std::vector<std::size_t> order = Shuffled(all.size(), spec.seed ^ 0x7E57ULL);
      const auto cut = order.end() - static_cast<std::ptrdiff_t>(kMnistTest);
      splits.test = all.Subset({cut, order.end()});
      CarveValidation(all.Subset({order.begin(), cut}), spec, splits);
      break;
    }
    case DatasetKind::kCifar10: {
      std::vector<std::filesystem::path> train_batches;
      for (int batch = 1; batch <= 5; ++batch) {
        train_batches.push_back(dir / fmt::format("data_batch_{}.bin", batch));
      }
      CarveValidation(ReadCifar10(train_batches), spec, splits);
      splits.test = ReadCifar10({dir / "test_batch.bin"});
      break;
    }
  }
  LimitTest(spec, splits);
  return splits;
}

}  // namespace powersel::qat
