#include "powersel/tb/regression.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <random>

#include "powersel/common/errors.hpp"
#include "powersel/common/parallel.hpp"
#include "powersel/common/progress.hpp"
#include "powersel/tb/reference.hpp"
#include "powersel/tb/tiling.hpp"

namespace powersel::tb {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int32_t kPsumMax = (1 << (kPsumBits - 1)) - 1;
constexpr std::int32_t kPsumMin = -(1 << (kPsumBits - 1));

// The kinds of random tile, cycled in this order.
enum class TileKind { kUniform, kPartial, kExtreme, kFullAccumulation, kWrapAround, kSparse };
constexpr int kTileKinds = 6;

// The two convolution layers of the regression CNN; the first's output is requantised to
// uint8 (ReLU and a right shift) and feeds the second.
constexpr ConvShape kConv1{1, 28, 28, 8, 3, 1, 0};
constexpr ConvShape kConv2{8, 26, 26, 16, 3, 1, 0};
constexpr int kConv1OutputShift = 7;

struct Tile {
  Matrix<std::uint8_t> activations;
  Matrix<std::int8_t> weights;
  std::vector<std::int32_t> psum_top;
};

class TileGenerator {
 public:
  TileGenerator(ArrayShape shape, std::uint64_t seed) : shape_(shape), rng_(seed) {}

  Tile Make(TileKind kind) {
    switch (kind) {
      case TileKind::kUniform:
        return Fill(shape_.rows, shape_.cols, StreamLength(), Uniform(-128, 127), Uniform(0, 255));
      case TileKind::kPartial:
        return Fill(Draw(1, shape_.rows), Draw(1, shape_.cols), StreamLength(), Uniform(-128, 127),
                    Uniform(0, 255));
      case TileKind::kExtreme: {
        static constexpr std::array<int, 5> kWeights = {-128, 127, 0, -1, 1};
        static constexpr std::array<int, 4> kActivations = {0, 255, 1, 128};
        return Fill(shape_.rows, shape_.cols, StreamLength(), PickFrom(kWeights),
                    PickFrom(kActivations));
      }
      case TileKind::kFullAccumulation: {
        // Every row at its extreme: a full column sums Rows products of 127 * 255 (or
        // -128 * 255), the largest magnitudes the 22-bit partial sum must hold exactly.
        Tile tile =
            Fill(shape_.rows, shape_.cols, StreamLength(), Uniform(0, 0), Uniform(255, 255));
        for (int c = 0; c < shape_.cols; ++c) {
          for (int r = 0; r < shape_.rows; ++r) {
            tile.weights(r, c) = static_cast<std::int8_t>(c % 2 == 0 ? 127 : -128);
          }
        }
        return tile;
      }
      case TileKind::kWrapAround: {
        // A top-of-column value near the limits pushes the sum past them: the array must
        // wrap like two's complement, as the reference does.
        Tile tile =
            Fill(shape_.rows, shape_.cols, StreamLength(), Uniform(-128, 127), Uniform(0, 255));
        for (int c = 0; c < shape_.cols; ++c) {
          tile.psum_top[c] = c % 2 == 0 ? kPsumMax - Draw(0, 1000) : kPsumMin + Draw(0, 1000);
        }
        return tile;
      }
      case TileKind::kSparse: {
        Tile tile =
            Fill(shape_.rows, shape_.cols, StreamLength(), Uniform(-128, 127), Uniform(0, 255));
        std::bernoulli_distribution zero(0.7);
        for (auto& a : tile.activations.values()) {
          a = zero(rng_) ? 0 : a;
        }
        for (auto& w : tile.weights.values()) {
          w = zero(rng_) ? 0 : w;
        }
        return tile;
      }
    }
    throw std::logic_error("unknown tile kind");
  }

 private:
  using Distribution = std::function<int()>;

  Distribution Uniform(int low, int high) {
    return [this, dist = std::uniform_int_distribution<int>(low, high)]() mutable {
      return dist(rng_);
    };
  }
  template <std::size_t N>
  Distribution PickFrom(const std::array<int, N>& values) {
    return [this, &values, dist = std::uniform_int_distribution<std::size_t>(0, N - 1)]() mutable {
      return values[dist(rng_)];
    };
  }

  int Draw(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  int StreamLength() { return Draw(1, 2 * shape_.rows); }

  Tile Fill(int k, int n, int m, Distribution weight, Distribution activation) {
    Tile tile{Matrix<std::uint8_t>(m, k), Matrix<std::int8_t>(k, n),
              std::vector<std::int32_t>(shape_.cols, 0)};
    for (auto& w : tile.weights.values()) {
      w = static_cast<std::int8_t>(weight());
    }
    for (auto& a : tile.activations.values()) {
      a = static_cast<std::uint8_t>(activation());
    }
    return tile;
  }

  ArrayShape shape_;
  std::mt19937_64 rng_;
};

std::vector<std::int8_t> ConvWeights(const ConvShape& shape, std::mt19937_64& rng) {
  BellWeights bell;
  std::vector<std::int8_t> weights(static_cast<std::size_t>(shape.out_channels) * shape.GemmK());
  for (auto& w : weights) {
    w = bell(rng);
  }
  return weights;
}

// Both layers' weights come from their own stream, so the random-tile count cannot shift them.
std::pair<std::vector<std::int8_t>, std::vector<std::int8_t>> CnnWeights(std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0xC0DE'F00DULL);
  std::vector<std::int8_t> conv1 = ConvWeights(kConv1, rng);
  std::vector<std::int8_t> conv2 = ConvWeights(kConv2, rng);
  return {std::move(conv1), std::move(conv2)};
}

// ReLU and requantise a layer output (O x pixels) to the next layer's uint8 C x H x W input.
std::vector<std::uint8_t> Requantize(const Matrix<std::int64_t>& layer) {
  std::vector<std::uint8_t> hidden(layer.values().size());
  std::transform(layer.values().begin(), layer.values().end(), hidden.begin(),
                 [](std::int64_t value) {
                   return static_cast<std::uint8_t>(
                       std::clamp<std::int64_t>(value >> kConv1OutputShift, 0, 255));
                 });
  return hidden;
}

std::uint64_t CountMismatches(const Matrix<std::int32_t>& expected,
                              const Matrix<std::int32_t>& actual, int cols) {
  std::uint64_t mismatches = 0;
  for (int m = 0; m < expected.rows(); ++m) {
    for (int n = 0; n < cols; ++n) {
      mismatches += expected(m, n) != actual(m, n) ? 1 : 0;
    }
  }
  return mismatches;
}

// Work is cut into shards of fixed size, each simulated on a fresh harness: the results do
// not depend on how many threads run them, and a shard is the unit a cluster job would take.
constexpr int kRandomTilesPerShard = 100;
constexpr int kImagesPerShard = 4;

struct Shard {
  bool convolution = false;
  int index = 0;  // shard number within its kind
  int first = 0;  // first random tile or image
  int count = 0;
};

std::uint64_t ShardSeed(std::uint64_t seed, const Shard& shard) {
  // SplitMix64 finaliser: decorrelates the streams of neighbouring shards.
  std::uint64_t z =
      seed + 0x9E3779B97F4A7C15ULL * (2 * shard.index + (shard.convolution ? 1 : 0) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::filesystem::path ShardTraceFile(const std::filesystem::path& trace, const Shard& shard) {
  if (trace.empty()) {
    return trace;
  }
  std::filesystem::path file = trace;
  file.replace_extension(fmt::format("{}{}{}", shard.convolution ? "conv" : "random", shard.index,
                                     trace.extension().string()));
  return file;
}

class ShardRunner {
 public:
  ShardRunner(const RegressionSpec& spec, const Shard& shard, Progress& progress)
      : spec_(spec),
        shard_(shard),
        progress_(progress),
        harness_({.shape = spec.shape,
                  .count_toggles = true,
                  .trace_file = ShardTraceFile(spec.trace_file, shard),
                  .low_power_pe = spec.low_power_pe,
                  .gate_idle_columns = spec.low_power_pe}) {
    result_.shape = spec.shape;
  }

  RegressionResult RandomTiles() {
    TileGenerator generator(spec_.shape, ShardSeed(spec_.seed, shard_));
    for (int index = shard_.first; index < shard_.first + shard_.count; ++index) {
      const Tile tile = generator.Make(static_cast<TileKind>(index % kTileKinds));
      harness_.LoadWeights(tile.weights);
      const Matrix<std::int32_t> output = harness_.Stream(tile.activations, tile.psum_top);
      CheckTile(tile.activations, tile.weights, tile.psum_top, output);
      ++result_.random_tiles;
      progress_.Advance();
    }
    return Finish();
  }

  RegressionResult ConvImages(const std::vector<Matrix<std::uint8_t>>& images,
                              std::span<const std::int8_t> conv1,
                              std::span<const std::int8_t> conv2) {
    for (int image = shard_.first; image < shard_.first + shard_.count; ++image) {
      const Matrix<std::int64_t> layer1 = ConvLayer(images[image].values(), conv1, kConv1);
      ConvLayer(Requantize(layer1), conv2, kConv2);
      ++result_.conv_images;
    }
    return Finish();
  }

 private:
  RegressionResult Finish() {
    result_.cycles = harness_.cycles();
    result_.toggles = *harness_.toggles();
    return result_;
  }

  // Runs one layer through the array and checks it against the direct convolution; returns
  // the reference output, O x (OH * OW).
  Matrix<std::int64_t> ConvLayer(std::span<const std::uint8_t> input,
                                 std::span<const std::int8_t> weights, const ConvShape& shape) {
    const Matrix<std::uint8_t> columns = Im2Col(input, shape);
    const Matrix<std::int8_t> gemm_weights = ConvWeightsAsGemm(weights, shape);
    const Matrix<std::int64_t> tiled = RunTiledGemm(
        harness_, columns, gemm_weights,
        [&](const TileCoord&, const Matrix<std::uint8_t>& activations,
            const Matrix<std::int8_t>& tile_weights, const Matrix<std::int32_t>& output) {
          CheckTile(activations, tile_weights, {}, output);
          ++result_.conv_tiles;
          progress_.Advance();
        });
    const Matrix<std::int64_t> direct = DirectConvolution(input, weights, shape);
    for (int o = 0; o < direct.rows(); ++o) {
      for (int p = 0; p < direct.cols(); ++p) {
        result_.conv_mismatches += direct(o, p) != tiled(p, o) ? 1 : 0;
      }
    }
    result_.conv_outputs_checked += direct.values().size();
    return direct;
  }

  void CheckTile(const Matrix<std::uint8_t>& activations, const Matrix<std::int8_t>& weights,
                 std::span<const std::int32_t> psum_top, const Matrix<std::int32_t>& output) {
    const std::span<const std::int32_t> top =
        psum_top.empty() ? psum_top : psum_top.first(weights.cols());
    const std::uint64_t mismatches =
        CountMismatches(ReferenceTile(activations, weights, top), output, weights.cols());
    result_.mismatches += mismatches;
    result_.mismatched_tiles += mismatches > 0 ? 1 : 0;
    result_.macs +=
        static_cast<std::uint64_t>(activations.rows()) * weights.rows() * weights.cols();
  }

  const RegressionSpec& spec_;
  Shard shard_;
  Progress& progress_;
  Harness harness_;
  RegressionResult result_;
};

void Accumulate(RegressionResult& total, const RegressionResult& part) {
  total.random_tiles += part.random_tiles;
  total.conv_tiles += part.conv_tiles;
  total.conv_images += part.conv_images;
  total.mismatches += part.mismatches;
  total.mismatched_tiles += part.mismatched_tiles;
  total.conv_outputs_checked += part.conv_outputs_checked;
  total.conv_mismatches += part.conv_mismatches;
  total.cycles += part.cycles;
  total.macs += part.macs;
  total.toggles += part.toggles;
}

std::vector<Shard> PlanShards(const RegressionSpec& spec, int images) {
  std::vector<Shard> shards;
  for (int first = 0, index = 0; first < spec.random_tiles; first += kRandomTilesPerShard) {
    shards.push_back(
        {false, index++, first, std::min(kRandomTilesPerShard, spec.random_tiles - first)});
  }
  for (int first = 0, index = 0; first < images; first += kImagesPerShard) {
    shards.push_back({true, index++, first, std::min(kImagesPerShard, images - first)});
  }
  return shards;
}

}  // namespace

int ConvTilesPerImage(ArrayShape shape) {
  return static_cast<int>(PlanTiles(kConv1.GemmK(), kConv1.out_channels, shape).size() +
                          PlanTiles(kConv2.GemmK(), kConv2.out_channels, shape).size());
}

int ConvImagesFor(int conv_tiles, ArrayShape shape) {
  const int per_image = ConvTilesPerImage(shape);
  return conv_tiles <= 0 ? 0 : (conv_tiles + per_image - 1) / per_image;
}

ConvGemm RegressionSecondLayer(const Matrix<std::uint8_t>& image, std::uint64_t seed) {
  const auto [conv1, conv2] = CnnWeights(seed);
  const std::vector<std::uint8_t> hidden =
      Requantize(DirectConvolution(image.values(), conv1, kConv1));
  return {Im2Col(hidden, kConv2), ConvWeightsAsGemm(conv2, kConv2)};
}

void CheckRegressionImages(const std::vector<Matrix<std::uint8_t>>& images,
                           const std::filesystem::path& source) {
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (images[i].rows() != kConv1.in_height || images[i].cols() != kConv1.in_width) {
      throw InputError(
          source.string(), "--images",
          fmt::format("image {} is {}x{}; the regression's convolution takes {}x{}", i,
                      images[i].rows(), images[i].cols(), kConv1.in_height, kConv1.in_width));
    }
  }
}

RegressionResult RunRegression(const RegressionSpec& spec,
                               const std::vector<Matrix<std::uint8_t>>& images) {
  const auto start = Clock::now();
  CheckHarnessOptions(
      {.shape = spec.shape, .trace_file = spec.trace_file, .low_power_pe = spec.low_power_pe});
  CheckRegressionImages(images, "");
  const int images_needed = ConvImagesFor(spec.conv_tiles, spec.shape);
  if (static_cast<int>(images.size()) < images_needed) {
    throw InputError("", "--conv-tiles",
                     fmt::format("{} tiles need {} images, only {} available", spec.conv_tiles,
                                 images_needed, images.size()));
  }
  const auto [conv1, conv2] = CnnWeights(spec.seed);

  const std::vector<Shard> shards = PlanShards(spec, images_needed);
  std::vector<RegressionResult> parts(shards.size());
  Progress progress("rtl-regress",
                    static_cast<std::uint64_t>(spec.random_tiles) +
                        static_cast<std::uint64_t>(images_needed) * ConvTilesPerImage(spec.shape),
                    "tiles");
  ParallelFor(shards.size(), spec.threads, [&](std::size_t index) {
    ShardRunner runner(spec, shards[index], progress);
    parts[index] =
        shards[index].convolution ? runner.ConvImages(images, conv1, conv2) : runner.RandomTiles();
  });
  progress.Finish();

  RegressionResult total;
  total.shape = spec.shape;
  total.toggles = ToggleCounts::Zero(spec.shape);
  for (const RegressionResult& part : parts) {
    Accumulate(total, part);
  }
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return total;
}

}  // namespace powersel::tb
