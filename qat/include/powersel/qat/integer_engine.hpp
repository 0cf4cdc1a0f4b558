// Integer inference without LibTorch, computing exactly what the systolic array computes:
// convolution and linear layers as uint8 x int8 GEMMs accumulated in 22-bit passes of at
// most Rows products, added up in 32 bits outside the array; requantisation to uint8;
// max pooling on uint8.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/qat/dataset.hpp"
#include "powersel/qat/quantized_network.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::qat {

// Computes activations (M x K) times weights (K x N). The software backend tiles K like the
// array; tb::RunTiledGemm on a Harness is the RTL backend.
using GemmBackend = std::function<Matrix<std::int64_t>(const Matrix<std::uint8_t>& activations,
                                                       const Matrix<std::int8_t>& weights)>;
GemmBackend SoftwareArrayGemm(tb::ArrayShape array);

// Sees each GEMM layer's activation matrix in the order it streams into the array
// (rows = output pixels, columns = K).
using ActivationSink =
    std::function<void(std::size_t layer, const Matrix<std::uint8_t>& activations)>;

struct Inference {
  int predicted = 0;
  std::vector<float> logits;
};

class IntegerEngine {
 public:
  explicit IntegerEngine(QuantizedNetwork network, tb::ArrayShape array = {64, 64});

  // `image` must hold the network's input (C x H x W values); std::invalid_argument if not.
  Inference Run(std::span<const std::uint8_t> image, const ActivationSink& sink = {}) const;
  Inference Run(std::span<const std::uint8_t> image, const GemmBackend& gemm,
                const ActivationSink& sink = {}) const;
  // Several images as one batch, as an accelerator batches: each GEMM layer's activation
  // matrices stacked image after image into one GEMM (one sink call per layer with the
  // stack). The same inferences as Run on each image.
  std::vector<Inference> RunBatch(std::span<const std::span<const std::uint8_t>> images,
                                  const GemmBackend& gemm, const ActivationSink& sink = {}) const;

  // The predicted class of each of the first `limit` images of `dataset` (0: all).
  std::vector<int> Predict(const ImageDataset& dataset, int threads, std::size_t limit = 0) const;

  const QuantizedNetwork& network() const { return network_; }
  // The K x N weight matrix of a GEMM layer, as it is loaded into the array.
  const Matrix<std::int8_t>& GemmWeights(std::size_t layer) const { return gemm_weights_[layer]; }

 private:
  QuantizedNetwork network_;
  GemmBackend software_;
  std::vector<Matrix<std::int8_t>> gemm_weights_;  // per layer (empty for non-GEMM layers)
};

// Throws InputError (the network's file, field input.shape) unless the images of `dataset`
// have the shape the network takes. Predict and CaptureActivations check.
void CheckInputShape(const QuantizedNetwork& network, const ImageDataset& dataset);

// Top-1 accuracy of `predicted` against the labels of `dataset` (a fraction).
double Top1(const std::vector<int>& predicted, const ImageDataset& dataset);

// For the first `images` images of `dataset`: every GEMM layer's activation matrices, as
// they stream into the array, in `dir`/act_<layer>.idx.gz (dims: images x M x K).
void CaptureActivations(const IntegerEngine& engine, const ImageDataset& dataset,
                        std::size_t images, const std::filesystem::path& dir);

}  // namespace powersel::qat
