// The reductions that index the MAC energy table: a PE cycle's activation transition
// (a_prev -> a_cur, 65,536 pairs) and partial-sum transition (two 22-bit values) each fall
// into one of a few classes, chosen so that the energy of a class is nearly one number.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "powersel/tb/array_shape.hpp"

namespace powersel::model {

struct GroupingSpec {
  // Activation transitions: "hold" (a_prev == a_cur, zero runs included), then three kinds,
  // each in bins of a Hamming distance starting at 1 and at each edge ({3, 5} gives 1-2,
  // 3-4, 5-8): "rise" from 0 and "fall" to 0 by the bits set in the nonzero value (the
  // multiplier's partial products that switch on or off), "flip" nonzero -> nonzero by the
  // distance of the two bytes.
  std::vector<int> activation_edges = {3, 5};
  // Partial-sum transitions: "same" (no bit changes: idle columns, drained pipelines), then
  // by the Hamming distance of their top `msb_bits` bits, in bins starting at 0 and at each
  // edge: {1, 3, 6} gives 0, 1-2, 3-5, 6-8.
  int msb_bits = 8;
  std::vector<int> psum_edges = {1, 3, 6};
  // ... and, within each, by the Hamming distance of the low 22 - msb_bits bits, in bins
  // starting at 0 and at each edge: {4, 8} gives 0-3, 4-7, 8 and more. The adder's low bits
  // and their carries switch with them: sparse or pruned layers move few.
  std::vector<int> psum_low_edges = {4, 8};
};

// Throws std::invalid_argument naming the field for edges that are not rising within range.
void CheckGroupingSpec(const GroupingSpec& spec);

class TransitionClasses {
 public:
  // The fixed classes: activation "hold", then the rise, fall and flip bins; the partial-sum
  // group "same", then the MSB x low-bit groups.
  static constexpr int kHold = 0;
  enum class ActivationKind { kHold, kRise, kFall, kFlip };
  static constexpr int kSame = 0;
  static constexpr int kFirstMsbGroup = 1;

  explicit TransitionClasses(GroupingSpec spec);

  int activation_bins() const { return static_cast<int>(spec_.activation_edges.size()) + 1; }
  int activation_classes() const { return 1 + 3 * activation_bins(); }
  // The class of kind `kind` (not kHold) and distance bin `bin`.
  int ActivationClassOf(ActivationKind kind, int bin) const {
    return 1 + (static_cast<int>(kind) - 1) * activation_bins() + bin;
  }
  ActivationKind Kind(int activation_class) const {
    return activation_class == kHold
               ? ActivationKind::kHold
               : static_cast<ActivationKind>(1 + (activation_class - 1) / activation_bins());
  }
  int psum_groups() const {
    return 1 + (static_cast<int>(spec_.psum_edges.size()) + 1) *
                   (static_cast<int>(spec_.psum_low_edges.size()) + 1);
  }

  int ActivationClass(std::uint8_t previous, std::uint8_t current) const {
    return activation_class_[static_cast<std::size_t>(previous) << 8 | current];
  }
  // Weight-load cycles (while the weight register moves). The multiplier reads the register,
  // so its transition, not the weight entering, sets the cost, and not only by its Hamming
  // distance: with a zero activation at the input (the array's loads, after a drained
  // stream) each (before, after) pair of register values is a class of its own; with a
  // nonzero one the Hamming distance of the transition, 0..8.
  static constexpr int kLoadPairs = 256 * 256;
  static constexpr int kLoadClasses = kLoadPairs + tb::kWeightBits + 1;
  static int LoadClass(std::uint8_t activation, std::int8_t previous_weight,
                       std::int8_t current_weight);
  static std::string LoadName(int load_class);

  // `previous` and `current` are the 22-bit partial sums (sign-extended or not: only the top
  // msb_bits of the 22 count).
  int PsumGroup(std::int32_t previous, std::int32_t current) const;

  // Names for tables and reports: "hold", "rise", "fall", "hd1-2", …; "same", "msb0/low0-3",
  // "msb1-2/low8-14", ….
  std::string ActivationName(int activation_class) const;
  std::string PsumName(int group) const;

  // The Hamming distances a class covers, [first, last]: for an activation class other than
  // "hold" the bits set (rise, fall) or flipped; for partial-sum groups (1 on) the top-bit
  // and the low-bit range. A group whose ranges are both {0} never occurs (that is "same").
  std::pair<int, int> ActivationDistances(int activation_class) const;
  std::pair<int, int> PsumMsbDistances(int group) const;
  std::pair<int, int> PsumLowDistances(int group) const;

  const GroupingSpec& spec() const { return spec_; }

 private:
  GroupingSpec spec_;
  std::vector<std::uint8_t> activation_class_;  // [previous << 8 | current]
  std::vector<std::uint8_t> msb_bin_;           // by MSB Hamming distance 0..msb_bits
  std::vector<std::uint8_t> low_bin_;           // by low-bit Hamming distance
};

}  // namespace powersel::model
