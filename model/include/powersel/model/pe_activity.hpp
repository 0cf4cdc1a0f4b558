// What a run of the array did, reduced to what the energy model needs: per PE the cycles in
// each (activation class, partial-sum group) pair and its weight-load cycles, and the bit
// toggles of the edge registers. Fed cycle by cycle with every PE's inputs (ArrayTrace order),
// from a recorded RTL trace or from a C++ model of the streams.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "powersel/model/transition_classes.hpp"
#include "powersel/tb/array_shape.hpp"
#include "powersel/tb/pe_model.hpp"
#include "powersel/tb/toggles.hpp"

namespace powersel::model {

class PeActivity {
 public:
  PeActivity(tb::ArrayShape shape, const TransitionClasses& classes);

  // Every PE's inputs after one rising edge, row-major; `weights` the PE weights (row-major)
  // the array holds then (their partial sums leave the bottom row: the de-skew's input).
  void Observe(std::span<const tb::PeInputs> pes, std::span<const std::int8_t> weights);

  tb::ArrayShape shape() const { return shape_; }
  int pairs() const { return pairs_; }
  std::uint64_t cycles() const { return cycles_; }
  // Cycles of PE `pe` (row-major) in pair a * psum_groups + g; and its weight-load cycles.
  std::uint64_t PairCycles(int pe, int pair) const {
    return pair_cycles_[static_cast<std::size_t>(pe * pairs_ + pair)];
  }
  std::uint64_t LoadCycles(int pe) const;
  // Cycles whose inputs enable a clock gate: weights shifting (every PE at once), and a valid
  // activation entering PE `pe`.
  std::uint64_t ShiftCycles() const { return shift_cycles_; }
  std::uint64_t ValidCycles(int pe) const { return valid_cycles_[static_cast<std::size_t>(pe)]; }
  // The weight-load cycles of PE `pe` by TransitionClasses::LoadClass: the few classes it saw
  // (a PE sees about one load cycle per array row and tile), in no particular order.
  struct LoadCount {
    int load_class;
    std::uint64_t cycles;
  };
  std::span<const LoadCount> Loads(int pe) const { return loads_[static_cast<std::size_t>(pe)]; }
  // The edge registers' bit toggles (skew per row, de-skew per column, load path), estimated
  // from what enters the PEs at the array's edges; `pe` counts are left at zero.
  const tb::ToggleCounts& edge_toggles() const { return edge_; }

  PeActivity& operator+=(const PeActivity& other);

  // Indexes the pairs each PE saw (the few of the many): predictions then visit only those.
  // Observe() and += drop the index.
  void Seal();
  struct PairCount {
    int pair;
    std::uint64_t cycles;
  };
  // The pairs PE `pe` saw, after Seal(); empty before.
  std::span<const PairCount> SeenPairs(int pe) const {
    if (seen_start_.empty()) {
      return {};
    }
    const auto first = static_cast<std::size_t>(seen_start_[static_cast<std::size_t>(pe)]);
    const auto last = static_cast<std::size_t>(seen_start_[static_cast<std::size_t>(pe) + 1]);
    return std::span<const PairCount>(seen_).subspan(first, last - first);
  }
  bool sealed() const { return !seen_start_.empty(); }
  // An empty activity that goes on from this one's last cycle (the next tile of a run).
  PeActivity Continuation() const;

 private:
  tb::ArrayShape shape_;
  const TransitionClasses* classes_;
  int pairs_;
  std::uint64_t cycles_ = 0;
  std::uint64_t shift_cycles_ = 0;
  std::vector<std::uint64_t> valid_cycles_;    // [pe]
  std::vector<std::uint64_t> pair_cycles_;     // [pe][pair]
  std::vector<std::vector<LoadCount>> loads_;  // [pe]
  std::vector<tb::PeInputs> previous_;
  std::vector<std::int8_t> weight_q_;      // per PE: its weight register
  std::vector<std::int32_t> bottom_psum_;  // what each column's bottom PE holds
  bool started_ = false;
  tb::ToggleCounts edge_;
  std::vector<PairCount> seen_;
  std::vector<std::uint32_t> seen_start_;  // per PE, and one past the last
};

}  // namespace powersel::model
