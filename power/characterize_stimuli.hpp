// Input streams for characterisation: one PE input per cycle, shared by every lane (weight).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/tb/pe_model.hpp"

namespace powersel::power::detail {

// The stimulus classes in CSV order.
std::vector<Stimulus> StimulusClasses(int msb_bits);

// `cycles` PE inputs of one class; `images` only feed "conv".
std::vector<tb::PeInputs> MakeStimulus(const Stimulus& stimulus, int cycles, int msb_bits,
                                       std::uint64_t seed,
                                       const std::vector<Matrix<std::uint8_t>>& images);

}  // namespace powersel::power::detail
