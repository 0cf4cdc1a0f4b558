// The weight values a layer may use: its allowed set S (0 always in it), chosen by trading
// each value's energy E(w), from the energy model, against how far the layer's weights must
// move to reach the set. LibTorch-free: the training projects through the code map made here.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace powersel::qat {

inline constexpr int kCodes = 256;  // int8 codes -128..127, index code + 128

struct WeightSetSpec {
  int set_size = 16;  // values in S at most, 0 included (2..256): no value no weight needs
  // lambda: what a unit of normalised energy (E / its mean over the candidates) is worth in
  // squared code steps. 0 chooses by quantisation error alone (k-means on the codes).
  double energy_weight = 0;
  // The values S may hold, by code (index code + 128); empty: every code. 0 is always one.
  std::vector<std::uint8_t> candidates;
  // How much a code step of the weights holding each code costs the layer's output (mean 1
  // over the weights; from the inputs those weights multiply); empty: 1 for every code.
  std::vector<double> sensitivity;
};

// Where each code goes: its allowed value under the trade-off
// sensitivity(code) * (code - s)^2 + lambda * e(s).
using CodeMap = std::array<std::int8_t, kCodes>;

struct WeightSet {
  std::vector<std::int8_t> values;  // sorted, 0 among them
  CodeMap map;
  double squared_error = 0;  // sum over weights of (code - map[code])^2, unweighted
  double energy = 0;         // sum over weights of E(map[code]), E's own unit
};

// `counts`: how many of the layer's weights hold each code; `energy`: E(code). Lloyd
// iterations from quantiles of the weights: assign each code to the cheapest value, then move
// each value (0 stays) to the code that minimises its weights' cost; the cost never rises, so
// it ends. Throws std::invalid_argument for a set size outside 2..256, spans not of 256
// entries, or no candidate besides 0.
WeightSet SelectWeightSet(std::span<const double> counts, std::span<const double> energy,
                          const WeightSetSpec& spec);

// The map of a given set under the same trade-off (every code to its cheapest value).
CodeMap MapCodes(std::span<const std::int8_t> values, std::span<const double> energy,
                 double energy_weight, std::span<const double> sensitivity = {});

}  // namespace powersel::qat
