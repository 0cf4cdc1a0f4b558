#include "powersel/tb/reference.hpp"

#include "powersel/tb/harness.hpp"

namespace powersel::tb {

Matrix<std::int32_t> ReferenceTile(const Matrix<std::uint8_t>& activations,
                                   const Matrix<std::int8_t>& weights,
                                   std::span<const std::int32_t> psum_top) {
  Matrix<std::int32_t> result(activations.rows(), weights.cols());
  for (int m = 0; m < activations.rows(); ++m) {
    for (int n = 0; n < weights.cols(); ++n) {
      std::int64_t sum = psum_top.empty() ? 0 : psum_top[n];
      for (int k = 0; k < weights.rows(); ++k) {
        sum += std::int64_t{activations(m, k)} * weights(k, n);
      }
      result(m, n) = WrapPsum(sum);
    }
  }
  return result;
}

Matrix<std::int64_t> DirectConvolution(std::span<const std::uint8_t> input,
                                       std::span<const std::int8_t> weights,
                                       const ConvShape& shape) {
  const int out_h = shape.OutHeight();
  const int out_w = shape.OutWidth();
  Matrix<std::int64_t> output(shape.out_channels, out_h * out_w);
  for (int o = 0; o < shape.out_channels; ++o) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        std::int64_t sum = 0;
        for (int c = 0; c < shape.in_channels; ++c) {
          for (int ky = 0; ky < shape.kernel; ++ky) {
            for (int kx = 0; kx < shape.kernel; ++kx) {
              const int y = oy * shape.stride + ky - shape.padding;
              const int x = ox * shape.stride + kx - shape.padding;
              if (y < 0 || y >= shape.in_height || x < 0 || x >= shape.in_width) {
                continue;
              }
              const std::size_t in_index =
                  (static_cast<std::size_t>(c) * shape.in_height + y) * shape.in_width + x;
              const std::size_t w_index =
                  ((static_cast<std::size_t>(o) * shape.in_channels + c) * shape.kernel + ky) *
                      shape.kernel +
                  kx;
              sum += std::int64_t{input[in_index]} * weights[w_index];
            }
          }
        }
        output(o, oy * out_w + ox) = sum;
      }
    }
  }
  return output;
}

Matrix<std::uint8_t> Im2Col(std::span<const std::uint8_t> input, const ConvShape& shape) {
  const int out_h = shape.OutHeight();
  const int out_w = shape.OutWidth();
  Matrix<std::uint8_t> columns(out_h * out_w, shape.GemmK(), 0);
  for (int oy = 0; oy < out_h; ++oy) {
    for (int ox = 0; ox < out_w; ++ox) {
      const int m = oy * out_w + ox;
      int k = 0;
      for (int c = 0; c < shape.in_channels; ++c) {
        for (int ky = 0; ky < shape.kernel; ++ky) {
          for (int kx = 0; kx < shape.kernel; ++kx, ++k) {
            const int y = oy * shape.stride + ky - shape.padding;
            const int x = ox * shape.stride + kx - shape.padding;
            if (y >= 0 && y < shape.in_height && x >= 0 && x < shape.in_width) {
              columns(m, k) =
                  input[(static_cast<std::size_t>(c) * shape.in_height + y) * shape.in_width + x];
            }
          }
        }
      }
    }
  }
  return columns;
}

Matrix<std::int8_t> ConvWeightsAsGemm(std::span<const std::int8_t> weights,
                                      const ConvShape& shape) {
  // Weights are stored O x (C * K * K) in the same (c, ky, kx) order as Im2Col's columns.
  const int k_total = shape.GemmK();
  Matrix<std::int8_t> gemm(k_total, shape.out_channels);
  for (int o = 0; o < shape.out_channels; ++o) {
    for (int k = 0; k < k_total; ++k) {
      gemm(k, o) = weights[static_cast<std::size_t>(o) * k_total + k];
    }
  }
  return gemm;
}

Matrix<std::int64_t> ExactGemm(const Matrix<std::uint8_t>& activations,
                               const Matrix<std::int8_t>& weights) {
  Matrix<std::int64_t> result(activations.rows(), weights.cols(), 0);
  for (int m = 0; m < activations.rows(); ++m) {
    for (int k = 0; k < weights.rows(); ++k) {
      const std::int64_t a = activations(m, k);
      for (int n = 0; n < weights.cols(); ++n) {
        result(m, n) += a * weights(k, n);
      }
    }
  }
  return result;
}

}  // namespace powersel::tb
