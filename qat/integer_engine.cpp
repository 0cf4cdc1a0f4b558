#include "powersel/qat/integer_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/common/parallel.hpp"
#include "powersel/tb/reference.hpp"

namespace powersel::qat {

namespace {

// uint8 = clamp(round-half-even(value), 0, 255): the rounding of LibTorch's fake quantise.
std::uint8_t Requantize(double value) {
  return static_cast<std::uint8_t>(std::clamp(std::nearbyint(value), 0.0, 255.0));
}

std::vector<std::uint8_t> MaxPool(const std::vector<std::uint8_t>& input, const QuantLayer& layer) {
  std::vector<std::uint8_t> output(static_cast<std::size_t>(layer.out_channels) * layer.out_height *
                                   layer.out_width);
  for (int c = 0; c < layer.out_channels; ++c) {
    for (int oy = 0; oy < layer.out_height; ++oy) {
      for (int ox = 0; ox < layer.out_width; ++ox) {
        std::uint8_t best = 0;
        for (int ky = 0; ky < layer.kernel; ++ky) {
          for (int kx = 0; kx < layer.kernel; ++kx) {
            const int y = oy * layer.stride + ky;
            const int x = ox * layer.stride + kx;
            best = std::max(
                best,
                input[(static_cast<std::size_t>(c) * layer.in_height + y) * layer.in_width + x]);
          }
        }
        output[(static_cast<std::size_t>(c) * layer.out_height + oy) * layer.out_width + ox] = best;
      }
    }
  }
  return output;
}

}  // namespace

GemmBackend SoftwareArrayGemm(tb::ArrayShape array) {
  return [array](const Matrix<std::uint8_t>& activations, const Matrix<std::int8_t>& weights) {
    const int m_total = activations.rows();
    const int k_total = weights.rows();
    const int n_total = weights.cols();
    Matrix<std::int64_t> result(m_total, n_total, 0);
    std::vector<std::int32_t> pass(static_cast<std::size_t>(n_total));
    for (int m = 0; m < m_total; ++m) {
      // One array pass per block of `rows` weights; within a pass the 22-bit psum wraps.
      for (int k_begin = 0; k_begin < k_total; k_begin += array.rows) {
        const int k_end = std::min(k_total, k_begin + array.rows);
        std::fill(pass.begin(), pass.end(), 0);
        for (int k = k_begin; k < k_end; ++k) {
          const std::int32_t a = activations(m, k);
          const std::int8_t* row = &weights(k, 0);
          for (int n = 0; n < n_total; ++n) {
            pass[static_cast<std::size_t>(n)] += a * row[n];
          }
        }
        for (int n = 0; n < n_total; ++n) {
          result(m, n) += tb::WrapPsum(pass[static_cast<std::size_t>(n)]);
        }
      }
    }
    return result;
  };
}

IntegerEngine::IntegerEngine(QuantizedNetwork network, tb::ArrayShape array)
    : network_(std::move(network)), software_(SoftwareArrayGemm(array)) {
  Validate(network_);
  for (const QuantLayer& layer : network_.layers) {
    Matrix<std::int8_t> gemm;
    if (layer.IsGemm()) {
      const int k_total = layer.GemmK();
      gemm = Matrix<std::int8_t>(k_total, layer.out_channels);
      for (int n = 0; n < layer.out_channels; ++n) {
        for (int k = 0; k < k_total; ++k) {
          gemm(k, n) = layer.weights[static_cast<std::size_t>(n) * k_total + k];
        }
      }
    }
    gemm_weights_.push_back(std::move(gemm));
  }
}

Inference IntegerEngine::Run(std::span<const std::uint8_t> image,
                             const ActivationSink& sink) const {
  return Run(image, software_, sink);
}

Inference IntegerEngine::Run(std::span<const std::uint8_t> image, const GemmBackend& gemm,
                             const ActivationSink& sink) const {
  const std::span<const std::uint8_t> batch[] = {image};
  return RunBatch(batch, gemm, sink).front();
}

std::vector<Inference> IntegerEngine::RunBatch(
    std::span<const std::span<const std::uint8_t>> images, const GemmBackend& gemm,
    const ActivationSink& sink) const {
  const std::size_t input_size = static_cast<std::size_t>(network_.input_channels) *
                                 network_.input_height * network_.input_width;
  std::vector<std::vector<std::uint8_t>> current;
  for (const std::span<const std::uint8_t> image : images) {
    if (image.size() != input_size) {
      throw std::invalid_argument(
          fmt::format("IntegerEngine::Run: an image of {} values, the network takes {}",
                      image.size(), input_size));
    }
    current.emplace_back(image.begin(), image.end());
  }
  std::vector<Inference> inferences(images.size());
  for (std::size_t index = 0; index < network_.layers.size(); ++index) {
    const QuantLayer& layer = network_.layers[index];
    if (layer.kind == LayerKind::kMaxPool) {
      for (std::vector<std::uint8_t>& values : current) {
        values = MaxPool(values, layer);
      }
      continue;
    }
    if (layer.kind == LayerKind::kFlatten) {
      continue;  // C x H x W order is already the linear layer's input order
    }
    // The batch's activation matrices stacked, image after image: one GEMM for all of them.
    const int pixels = layer.kind == LayerKind::kConv ? layer.out_height * layer.out_width : 1;
    Matrix<std::uint8_t> activations(pixels * static_cast<int>(images.size()), layer.GemmK());
    for (std::size_t image = 0; image < images.size(); ++image) {
      Matrix<std::uint8_t> rows;
      if (layer.kind == LayerKind::kConv) {
        const tb::ConvShape shape{layer.in_channels,  layer.in_height, layer.in_width,
                                  layer.out_channels, layer.kernel,    layer.stride,
                                  layer.padding};
        rows = tb::Im2Col(current[image], shape);
      } else {
        rows = Matrix<std::uint8_t>(1, layer.GemmK());
        std::copy(current[image].begin(), current[image].end(), rows.values().begin());
      }
      std::copy(
          rows.values().begin(), rows.values().end(),
          activations.values().begin() + static_cast<std::ptrdiff_t>(image * rows.values().size()));
    }
    if (sink) {
      sink(index, activations);
    }
    const Matrix<std::int64_t> accumulators = gemm(activations, gemm_weights_[index]);
    const bool last = index + 1 == network_.layers.size();
    for (std::size_t image = 0; image < images.size(); ++image) {
      const int first_row = static_cast<int>(image) * pixels;
      if (last) {
        for (int n = 0; n < layer.out_channels; ++n) {
          inferences[image].logits.push_back(
              static_cast<float>(static_cast<double>(layer.input_scale) * layer.weight_scales[n] *
                                 static_cast<double>(accumulators(first_row, n) + layer.bias[n])));
        }
        continue;
      }
      // Channel-major C x H x W output, like the next layer's input.
      std::vector<std::uint8_t>& output = current[image];
      output.assign(static_cast<std::size_t>(layer.out_channels) * pixels, 0);
      for (int n = 0; n < layer.out_channels; ++n) {
        const double multiplier =
            static_cast<double>(layer.input_scale) * layer.weight_scales[n] / layer.output_scale;
        for (int p = 0; p < pixels; ++p) {
          const double value =
              multiplier * static_cast<double>(accumulators(first_row + p, n) + layer.bias[n]);
          // The uint8 clamp at zero is the ReLU.
          output[static_cast<std::size_t>(n) * pixels + p] = Requantize(value);
        }
      }
    }
    if (last) {
      break;
    }
  }
  for (Inference& inference : inferences) {
    inference.predicted =
        static_cast<int>(std::max_element(inference.logits.begin(), inference.logits.end()) -
                         inference.logits.begin());
  }
  return inferences;
}

void CheckInputShape(const QuantizedNetwork& network, const ImageDataset& dataset) {
  if (dataset.channels != network.input_channels || dataset.height != network.input_height ||
      dataset.width != network.input_width) {
    throw InputError(network.file.string(), "input.shape",
                     fmt::format("the network takes {}x{}x{} images, {} has {}x{}x{}",
                                 network.input_channels, network.input_height, network.input_width,
                                 dataset.name, dataset.channels, dataset.height, dataset.width));
  }
}

std::vector<int> IntegerEngine::Predict(const ImageDataset& dataset, int threads,
                                        std::size_t limit) const {
  CheckInputShape(network_, dataset);
  const std::size_t count = limit == 0 ? dataset.size() : std::min(limit, dataset.size());
  std::vector<int> predicted(count);
  ParallelFor(count, threads,
              [&](std::size_t i) { predicted[i] = Run(dataset.Image(i)).predicted; });
  return predicted;
}

double Top1(const std::vector<int>& predicted, const ImageDataset& dataset) {
  std::size_t correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    correct += predicted[i] == dataset.labels[i] ? 1 : 0;
  }
  return predicted.empty() ? 0.0
                           : static_cast<double>(correct) / static_cast<double>(predicted.size());
}

void CaptureActivations(const IntegerEngine& engine, const ImageDataset& dataset,
                        std::size_t images, const std::filesystem::path& dir) {
  CheckInputShape(engine.network(), dataset);
  const std::size_t count = std::min(images, dataset.size());
  const std::size_t layers = engine.network().layers.size();
  std::vector<IdxArray> captured(layers);
  for (std::size_t image = 0; image < count; ++image) {
    engine.Run(dataset.Image(image), [&](std::size_t layer, const Matrix<std::uint8_t>& a) {
      IdxArray& array = captured[layer];
      array.dims = {static_cast<std::uint32_t>(count), static_cast<std::uint32_t>(a.rows()),
                    static_cast<std::uint32_t>(a.cols())};
      array.values.insert(array.values.end(), a.values().begin(), a.values().end());
    });
  }
  EnsureOutputDirectory(dir, "--out");
  for (std::size_t layer = 0; layer < layers; ++layer) {
    if (!captured[layer].dims.empty()) {
      WriteIdx(dir / ("act_" + engine.network().layers[layer].name + ".idx.gz"), captured[layer]);
    }
  }
}

}  // namespace powersel::qat
