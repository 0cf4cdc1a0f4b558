#include "powersel/model/transition_classes.hpp"

#include <fmt/format.h>

#include <bit>
#include <stdexcept>

#include "powersel/tb/array_shape.hpp"

namespace powersel::model {

namespace {

constexpr int kActivationBits = tb::kActivationBits;

void CheckEdges(const std::vector<int>& edges, int low, int high, const char* field) {
  int previous = low - 1;
  for (const int edge : edges) {
    if (edge <= previous || edge < low || edge > high) {
      throw std::invalid_argument(
          fmt::format("{}: expected rising bin edges in [{}, {}], got {}", field, low, high, edge));
    }
    previous = edge;
  }
}

// The bin of `value` among bins starting at `first` and at each edge.
int Bin(int value, const std::vector<int>& edges) {
  int bin = 0;
  while (bin < static_cast<int>(edges.size()) && value >= edges[static_cast<std::size_t>(bin)]) {
    ++bin;
  }
  return bin;
}

}  // namespace

void CheckGroupingSpec(const GroupingSpec& spec) {
  if (spec.msb_bits < 1 || spec.msb_bits > tb::kPsumBits) {
    throw std::invalid_argument(
        fmt::format("msb_bits: expected 1..{}, got {}", tb::kPsumBits, spec.msb_bits));
  }
  CheckEdges(spec.activation_edges, 2, kActivationBits, "activation_edges");
  CheckEdges(spec.psum_edges, 1, spec.msb_bits, "psum_edges");
  CheckEdges(spec.psum_low_edges, 1, tb::kPsumBits - spec.msb_bits, "psum_low_edges");
}

TransitionClasses::TransitionClasses(GroupingSpec spec) : spec_(std::move(spec)) {
  CheckGroupingSpec(spec_);
  activation_class_.resize(1 << (2 * kActivationBits));
  for (int previous = 0; previous < 256; ++previous) {
    for (int current = 0; current < 256; ++current) {
      int activation_class = kHold;
      if (previous != current) {
        const ActivationKind kind = previous == 0  ? ActivationKind::kRise
                                    : current == 0 ? ActivationKind::kFall
                                                   : ActivationKind::kFlip;
        const int distance = std::popcount(static_cast<unsigned>(previous ^ current));
        activation_class = ActivationClassOf(kind, Bin(distance, spec_.activation_edges));
      }
      activation_class_[static_cast<std::size_t>(previous << 8 | current)] =
          static_cast<std::uint8_t>(activation_class);
    }
  }
  for (int distance = 0; distance <= spec_.msb_bits; ++distance) {
    msb_bin_.push_back(static_cast<std::uint8_t>(Bin(distance, spec_.psum_edges)));
  }
  for (int distance = 0; distance <= tb::kPsumBits - spec_.msb_bits; ++distance) {
    low_bin_.push_back(static_cast<std::uint8_t>(Bin(distance, spec_.psum_low_edges)));
  }
}

int TransitionClasses::PsumGroup(std::int32_t previous, std::int32_t current) const {
  constexpr unsigned kPsumMask = (1U << tb::kPsumBits) - 1;
  const unsigned flipped =
      (static_cast<unsigned>(previous) ^ static_cast<unsigned>(current)) & kPsumMask;
  if (flipped == 0) {
    return kSame;
  }
  const int low_bits = tb::kPsumBits - spec_.msb_bits;
  const int msb = msb_bin_[static_cast<std::size_t>(std::popcount(flipped >> low_bits))];
  const int low =
      low_bin_[static_cast<std::size_t>(std::popcount(flipped & ((1U << low_bits) - 1)))];
  return kFirstMsbGroup + msb * (static_cast<int>(spec_.psum_low_edges.size()) + 1) + low;
}

int TransitionClasses::LoadClass(std::uint8_t activation, std::int8_t previous_weight,
                                 std::int8_t current_weight) {
  const auto before = static_cast<std::uint8_t>(previous_weight);
  const auto after = static_cast<std::uint8_t>(current_weight);
  if (activation == 0) {
    return before << 8 | after;
  }
  return kLoadPairs + std::popcount(static_cast<unsigned>(before ^ after));
}

std::string TransitionClasses::LoadName(int load_class) {
  if (load_class < kLoadPairs) {
    return fmt::format("load/act0/{}->{}", static_cast<std::int8_t>(load_class >> 8),
                       static_cast<std::int8_t>(load_class & 0xff));
  }
  return fmt::format("load/act/whd{}", load_class - kLoadPairs);
}

namespace {

// Bin `bin` of bins starting at `first` and at each edge, up to `top`.
std::pair<int, int> BinRange(const std::vector<int>& edges, std::size_t bin, int first, int top) {
  return {bin == 0 ? first : edges[bin - 1], bin < edges.size() ? edges[bin] - 1 : top};
}

std::string Range(std::pair<int, int> range) {
  return range.first == range.second ? std::to_string(range.first)
                                     : fmt::format("{}-{}", range.first, range.second);
}

}  // namespace

std::pair<int, int> TransitionClasses::ActivationDistances(int activation_class) const {
  return BinRange(spec_.activation_edges,
                  static_cast<std::size_t>((activation_class - 1) % activation_bins()), 1,
                  kActivationBits);
}

std::pair<int, int> TransitionClasses::PsumMsbDistances(int group) const {
  const auto low_bins = spec_.psum_low_edges.size() + 1;
  return BinRange(spec_.psum_edges, static_cast<std::size_t>(group - kFirstMsbGroup) / low_bins, 0,
                  spec_.msb_bits);
}

std::pair<int, int> TransitionClasses::PsumLowDistances(int group) const {
  const auto low_bins = spec_.psum_low_edges.size() + 1;
  return BinRange(spec_.psum_low_edges, static_cast<std::size_t>(group - kFirstMsbGroup) % low_bins,
                  0, tb::kPsumBits - spec_.msb_bits);
}

std::string TransitionClasses::ActivationName(int activation_class) const {
  static constexpr const char* kKinds[] = {"hold", "rise", "fall", "hd"};
  const ActivationKind kind = Kind(activation_class);
  if (kind == ActivationKind::kHold) {
    return kKinds[0];
  }
  return kKinds[static_cast<int>(kind)] + Range(ActivationDistances(activation_class));
}

std::string TransitionClasses::PsumName(int group) const {
  if (group == kSame) {
    return "same";
  }
  return "msb" + Range(PsumMsbDistances(group)) + "/low" + Range(PsumLowDistances(group));
}

}  // namespace powersel::model
