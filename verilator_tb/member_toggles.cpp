#include "member_toggles.hpp"

#include <fmt/core.h>

#include <bit>

#include "powersel/common/errors.hpp"
#include "signal_map.hpp"

namespace powersel::tb::detail {

namespace {

std::uint64_t* CounterOf(ToggleCounts& counts, const MemberSignal& signal) {
  switch (signal.kind) {
    case MemberSignal::Kind::kPe:
      return &counts.pe[static_cast<std::size_t>(signal.row) * counts.cols + signal.col]
                       [static_cast<int>(signal.signal)];
    case MemberSignal::Kind::kInputSkew:
      return &counts.input_skew[static_cast<std::size_t>(signal.row)];
    case MemberSignal::Kind::kOutputDeskew:
      return &counts.output_deskew[static_cast<std::size_t>(signal.col)];
    case MemberSignal::Kind::kLoadPath:
      return &counts.load_path;
  }
  return nullptr;
}

std::size_t CountedBytes(const MemberSignal& signal) {
  return (static_cast<std::size_t>(signal.width) + 7) / 8;
}

}  // namespace

MemberToggleCounter::MemberToggleCounter(const ArrayModel& model)
    : counts_(ToggleCounts::Zero(model.shape())) {
  for (const MemberSignal& signal : model.MemberSignals()) {
    if (CountedBytes(signal) > signal.element_bytes) {
      throw std::logic_error(
          fmt::format("member of {} bits in {} bytes", signal.width, signal.element_bytes));
    }
    tracked_.push_back({signal, CounterOf(counts_, signal), {}});
  }
  // The member lists are written from the RTL hierarchy; the symbol table's count of the same
  // signals is the other side of the bargain.
  if (const std::size_t expected = CountedSignalCount(model.shape()); tracked_.size() != expected) {
    throw CheckFailure(
        fmt::format("member list holds {} of {} counted signals", tracked_.size(), expected));
  }
  Clear();
}

void MemberToggleCounter::Read(const Tracked& tracked, std::vector<std::uint8_t>& bytes) const {
  const MemberSignal& signal = tracked.signal;
  const std::size_t counted = CountedBytes(signal);
  const int top_bits = signal.width % 8;
  const std::uint8_t top_mask =
      top_bits == 0 ? 0xFF : static_cast<std::uint8_t>((1U << top_bits) - 1);
  bytes.clear();
  for (std::size_t element = 0; element < signal.elements; ++element) {
    const std::uint8_t* data = signal.data + element * signal.element_bytes;
    for (std::size_t byte = 0; byte < counted; ++byte) {
      bytes.push_back(byte + 1 == counted ? data[byte] & top_mask : data[byte]);
    }
  }
}

void MemberToggleCounter::Sample() {
  for (Tracked& tracked : tracked_) {
    Read(tracked, scratch_);
    for (std::size_t i = 0; i < scratch_.size(); ++i) {
      *tracked.counter += static_cast<std::uint64_t>(
          std::popcount(static_cast<unsigned>(scratch_[i] ^ tracked.previous[i])));
    }
    tracked.previous.swap(scratch_);
  }
  ++counts_.cycles;
}

void MemberToggleCounter::Clear() {
  counts_ = ToggleCounts::Zero({counts_.rows, counts_.cols});
  for (Tracked& tracked : tracked_) {
    tracked.counter = CounterOf(counts_, tracked.signal);
    Read(tracked, tracked.previous);
  }
}

}  // namespace powersel::tb::detail
