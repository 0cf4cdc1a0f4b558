// Stimuli shared by the MAC table's measurements, and the weight-load classes' own
// measurement (private to model/).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "powersel/power/gate_pe.hpp"

namespace powersel::model::detail {

// Cycles of a stimulus run before measuring, so that the registers hold stimulus values.
inline constexpr int kWarmupCycles = 16;

// Resets every lane, then shifts weight `first_weight + lane` into lane `lane`.
void ResetLanes(power::GatePe& pe, int first_weight);

// Flips `count` distinct random bits among bits [first, first + width) of `value`.
std::uint32_t FlipBits(std::uint32_t value, int first, int width, int count, std::mt19937_64& rng);

// Tasks 0 .. kLoadTasks - 2 each make one pass over every (before, after) pair of the weight
// register under a zero activation (the pairs in a new order each); the last measures the
// nonzero-activation classes. Each task needs its own GatePe.
inline constexpr int kLoadTasks = 5;
std::vector<double> MeasureLoadTask(power::GatePe& pe, int task, std::uint64_t seed);
// Every TransitionClasses::LoadClass's energy (datapath scope, fJ) from the tasks' results,
// in task order.
std::vector<double> LoadTable(const std::vector<std::vector<double>>& results);

}  // namespace powersel::model::detail
