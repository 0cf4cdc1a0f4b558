// Integer references the RTL is checked against: one array pass, the direct convolution,
// and im2col, the lowering that maps a convolution onto the array.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/tb/array_shape.hpp"  // WrapPsum

namespace powersel::tb {

// What one array pass computes: out[m][n] = wrap22(top[n] + sum_k acts[m][k] * weights[k][n]).
// `psum_top` is empty (zeros) or holds weights.cols() values.
Matrix<std::int32_t> ReferenceTile(const Matrix<std::uint8_t>& activations,
                                   const Matrix<std::int8_t>& weights,
                                   std::span<const std::int32_t> psum_top = {});

// A convolution layer: input C x H x W (uint8), weights O x C x K x K (int8), no bias.
struct ConvShape {
  int in_channels = 1;
  int in_height = 28;
  int in_width = 28;
  int out_channels = 1;
  int kernel = 3;
  int stride = 1;
  int padding = 0;

  int OutHeight() const { return (in_height + 2 * padding - kernel) / stride + 1; }
  int OutWidth() const { return (in_width + 2 * padding - kernel) / stride + 1; }
  int GemmK() const { return in_channels * kernel * kernel; }
};

// Exact (64-bit) convolution straight from the definition. Output: O x (OH * OW).
Matrix<std::int64_t> DirectConvolution(std::span<const std::uint8_t> input,
                                       std::span<const std::int8_t> weights,
                                       const ConvShape& shape);

// Lowering: activation matrix M x K with M = OH * OW (row = output pixel) and
// K = C * kernel * kernel (column = (c, ky, kx)); padding reads zeros.
Matrix<std::uint8_t> Im2Col(std::span<const std::uint8_t> input, const ConvShape& shape);
// Weights as the K x N matrix (N = out channels) that multiplies Im2Col's output.
Matrix<std::int8_t> ConvWeightsAsGemm(std::span<const std::int8_t> weights, const ConvShape& shape);

// Exact 64-bit GEMM: the value a tiled GEMM must reproduce when no pass overflows.
Matrix<std::int64_t> ExactGemm(const Matrix<std::uint8_t>& activations,
                               const Matrix<std::int8_t>& weights);

}  // namespace powersel::tb
