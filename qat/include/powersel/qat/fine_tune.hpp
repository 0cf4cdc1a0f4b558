// Fine-tuning a trained network with every GEMM layer's weights projected onto its allowed
// set (a CodeMap per layer) in the forward pass, gradients straight through, then exporting
// it: the training half of a compression. No LibTorch types in this header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "powersel/qat/dataset.hpp"
#include "powersel/qat/quantized_network.hpp"
#include "powersel/qat/train.hpp"
#include "powersel/qat/weight_selection.hpp"

namespace powersel::qat {

struct FineTuneSpec {
  int epochs = 4;
  // Five times the QAT step: the projection moves weights further than quantisation does
  // (LeNet-5, lambda 2000: 88.4 % validation top-1 at 5e-4 against 87.0 % at 1e-4).
  double learning_rate = 5e-4;
  std::uint64_t seed = 1;
  int threads = 2;
};

struct FineTuneResult {
  QuantizedNetwork network;    // exported: every GEMM layer's codes within its set
  double validation_top1 = 0;  // integer engine
  double test_top1 = 0;        // integer engine
  double seconds = 0;
};

// The trained network's int8 codes per GEMM layer (network order), as exported.
std::vector<std::vector<std::int8_t>> TrainedCodes(const TrainSpec& trained,
                                                   const DatasetSplits& splits,
                                                   const std::filesystem::path& run_dir);

// `run_dir`: a complete `train` run of `trained` (InputError otherwise); `maps`: one per
// GEMM layer in network order. `splits.train` is what the epochs see (a limit applies).
FineTuneResult FineTune(const TrainSpec& trained, const DatasetSplits& splits,
                        const std::filesystem::path& run_dir, const std::vector<CodeMap>& maps,
                        const FineTuneSpec& spec);

}  // namespace powersel::qat
