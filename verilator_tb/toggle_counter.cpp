#include <fmt/core.h>
#include <verilated.h>
#include <verilated_syms.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "array_model.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/tb/toggles.hpp"
#include "signal_map.hpp"

namespace powersel::tb {

std::uint64_t ToggleCounts::Total(PeSignal signal) const {
  std::uint64_t total = 0;
  for (const auto& counts : pe) {
    total += counts[static_cast<int>(signal)];
  }
  return total;
}

std::uint64_t ToggleCounts::Total(EdgeSignal signal) const {
  switch (signal) {
    case EdgeSignal::kInputSkew:
      return std::accumulate(input_skew.begin(), input_skew.end(), std::uint64_t{0});
    case EdgeSignal::kOutputDeskew:
      return std::accumulate(output_deskew.begin(), output_deskew.end(), std::uint64_t{0});
    case EdgeSignal::kLoadPath:
      return load_path;
  }
  return 0;
}

ToggleCounts ToggleCounts::Zero(ArrayShape shape) {
  ToggleCounts counts;
  counts.rows = shape.rows;
  counts.cols = shape.cols;
  counts.pe.assign(static_cast<std::size_t>(shape.rows) * shape.cols, {});
  counts.input_skew.assign(shape.rows, 0);
  counts.output_deskew.assign(shape.cols, 0);
  return counts;
}

ToggleCounts& ToggleCounts::operator+=(const ToggleCounts& other) {
  if (other.rows != rows || other.cols != cols) {
    throw std::invalid_argument("adding toggle counts of different array shapes");
  }
  cycles += other.cycles;
  for (std::size_t i = 0; i < pe.size(); ++i) {
    for (int s = 0; s < kPeSignalCount; ++s) {
      pe[i][s] += other.pe[i][s];
    }
  }
  for (std::size_t r = 0; r < input_skew.size(); ++r) {
    input_skew[r] += other.input_skew[r];
  }
  for (std::size_t c = 0; c < output_deskew.size(); ++c) {
    output_deskew[c] += other.output_deskew[c];
  }
  load_path += other.load_path;
  return *this;
}

std::uint64_t ToggleCounts::PeTotal(int row, int col) const {
  const auto& counts = pe[static_cast<std::size_t>(row) * cols + col];
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
}

namespace {

// Where one counted signal lives in the model and which counter it feeds.
struct SignalSpan {
  const std::uint8_t* data;
  std::size_t bytes;
  std::uint64_t* counter;
};

// Signals that sit close together in the model are counted as one byte region: one XOR and
// a per-byte popcount over whole 64-bit words, instead of one load and popcount per signal.
struct Region {
  const std::uint8_t* data;
  std::size_t bytes;
  std::vector<std::uint64_t> previous;  // last sampled contents, 8 bytes a word
  // Toggle counts since the last flush in 16-bit lanes: even bytes of each word in one array,
  // odd bytes in the other.
  std::vector<std::uint64_t> even_lanes;
  std::vector<std::uint64_t> odd_lanes;
  std::vector<std::uint64_t> byte_totals;
  struct Slice {
    std::size_t offset;
    std::size_t bytes;
    std::uint64_t* counter;
  };
  std::vector<Slice> slices;
};

// Gaps up to this many bytes between signals are read along rather than starting a region.
constexpr std::size_t kMaxRegionGap = 64;
// A 16-bit lane holds at most 65535; a sample adds at most 8 per lane.
constexpr int kSamplesPerFlush = 65535 / 8;

constexpr std::uint64_t kOdd = 0x5555555555555555ULL;
constexpr std::uint64_t kPairs = 0x3333333333333333ULL;
constexpr std::uint64_t kNibbles = 0x0F0F0F0F0F0F0F0FULL;
constexpr std::uint64_t kLowBytes = 0x00FF00FF00FF00FFULL;

// Per-byte popcount (SWAR), so each byte lane of the result counts that byte's set bits.
inline std::uint64_t BytePopcounts(std::uint64_t x) {
  x = x - ((x >> 1) & kOdd);
  x = (x & kPairs) + ((x >> 2) & kPairs);
  return (x + (x >> 4)) & kNibbles;
}

// The hot loop: plain word operations that the compiler vectorises for the best instruction
// set the CPU offers.
__attribute__((target_clones("arch=skylake-avx512", "avx2", "default"))) void CountWords(
    const std::uint8_t* live, std::size_t words, std::uint64_t* previous, std::uint64_t* even_lanes,
    std::uint64_t* odd_lanes) {
  for (std::size_t i = 0; i < words; ++i) {
    std::uint64_t current;
    std::memcpy(&current, live + 8 * i, sizeof current);
    const std::uint64_t counts = BytePopcounts(current ^ previous[i]);
    previous[i] = current;
    even_lanes[i] += counts & kLowBytes;
    odd_lanes[i] += (counts >> 8) & kLowBytes;
  }
}

std::uint64_t LoadTail(const std::uint8_t* data, std::size_t bytes) {
  std::uint64_t word = 0;
  std::memcpy(&word, data, bytes);
  return word;
}

}  // namespace

class ToggleCounter::Impl {
 public:
  explicit Impl(detail::ArrayModel& model) : counts_(ToggleCounts::Zero(model.shape())) {
    BuildRegions(FindSignals(model));
    Clear();
  }

  void Sample() {
    for (Region& region : regions_) {
      const std::size_t full_words = region.bytes / 8;
      CountWords(region.data, full_words, region.previous.data(), region.even_lanes.data(),
                 region.odd_lanes.data());
      if (const std::size_t tail = region.bytes % 8; tail != 0) {
        const std::uint64_t current = LoadTail(region.data + 8 * full_words, tail);
        const std::uint64_t counts = BytePopcounts(current ^ region.previous[full_words]);
        region.even_lanes[full_words] += counts & kLowBytes;
        region.odd_lanes[full_words] += (counts >> 8) & kLowBytes;
        region.previous[full_words] = current;
      }
    }
    ++counts_.cycles;
    if (++samples_since_flush_ == kSamplesPerFlush) {
      Flush();
    }
  }

  void Clear() {
    for (Region& region : regions_) {
      const std::size_t full_words = region.bytes / 8;
      std::memcpy(region.previous.data(), region.data, 8 * full_words);
      if (const std::size_t tail = region.bytes % 8; tail != 0) {
        region.previous[full_words] = LoadTail(region.data + 8 * full_words, tail);
      }
      std::fill(region.even_lanes.begin(), region.even_lanes.end(), 0);
      std::fill(region.odd_lanes.begin(), region.odd_lanes.end(), 0);
      std::fill(region.byte_totals.begin(), region.byte_totals.end(), 0);
    }
    samples_since_flush_ = 0;
    counts_.cycles = 0;
  }

  const ToggleCounts& counts() {
    Flush();
    Publish();
    return counts_;
  }

 private:
  std::vector<SignalSpan> FindSignals(detail::ArrayModel& model) {
    const ArrayShape shape = model.shape();
    std::vector<SignalSpan> spans;
    for (const auto& [scope_name, scope] : *model.context().scopeNameMap()) {
      if (scope->varsp() == nullptr) {
        continue;
      }
      const std::string scope_path = detail::DemangleScope(scope_name);
      for (const auto& [var_name, var] : *scope->varsp()) {
        std::uint64_t* counter = detail::CounterFor(counts_, scope_path, var_name);
        if (counter != nullptr) {
          spans.push_back(
              {static_cast<const std::uint8_t*>(var.datap()), var.totalSize(), counter});
        }
      }
    }
    if (const std::size_t expected = detail::CountedSignalCount(shape); spans.size() != expected) {
      throw CheckFailure(fmt::format(
          "toggle counter found {} of {} public signals in the {}x{} model (toggle_signals.vlt "
          "out of step with the RTL?)",
          spans.size(), expected, shape.rows, shape.cols));
    }
    return spans;
  }

  void BuildRegions(std::vector<SignalSpan> spans) {
    std::sort(spans.begin(), spans.end(),
              [](const SignalSpan& a, const SignalSpan& b) { return a.data < b.data; });
    for (const SignalSpan& span : spans) {
      if (regions_.empty() ||
          span.data > regions_.back().data + regions_.back().bytes + kMaxRegionGap) {
        regions_.push_back(Region{span.data, 0, {}, {}, {}, {}});
      }
      Region& region = regions_.back();
      const std::size_t offset = static_cast<std::size_t>(span.data - region.data);
      region.bytes = std::max(region.bytes, offset + span.bytes);
      region.slices.push_back({offset, span.bytes, span.counter});
    }
    for (Region& region : regions_) {
      const std::size_t words = (region.bytes + 7) / 8;
      region.previous.assign(words, 0);
      region.even_lanes.assign(words, 0);
      region.odd_lanes.assign(words, 0);
      region.byte_totals.assign(8 * words, 0);
    }
  }

  void Flush() {
    constexpr int kLaneBits = 16;
    for (Region& region : regions_) {
      for (std::size_t word = 0; word < region.even_lanes.size(); ++word) {
        for (int lane = 0; lane < 4; ++lane) {
          const int shift = kLaneBits * lane;
          region.byte_totals[8 * word + 2 * lane] += (region.even_lanes[word] >> shift) & 0xFFFF;
          region.byte_totals[8 * word + 2 * lane + 1] += (region.odd_lanes[word] >> shift) & 0xFFFF;
        }
        region.even_lanes[word] = 0;
        region.odd_lanes[word] = 0;
      }
    }
    samples_since_flush_ = 0;
  }

  // Sums each signal's bytes into its counter in counts_.
  void Publish() {
    for (auto& pe : counts_.pe) {
      pe.fill(0);
    }
    std::fill(counts_.input_skew.begin(), counts_.input_skew.end(), 0);
    std::fill(counts_.output_deskew.begin(), counts_.output_deskew.end(), 0);
    counts_.load_path = 0;
    for (const Region& region : regions_) {
      for (const Region::Slice& slice : region.slices) {
        for (std::size_t byte = 0; byte < slice.bytes; ++byte) {
          *slice.counter += region.byte_totals[slice.offset + byte];
        }
      }
    }
  }

  // The regions' slices point into these counters: sized once, before any pointer is taken.
  ToggleCounts counts_;
  std::vector<Region> regions_;
  int samples_since_flush_ = 0;
};

ToggleCounter::ToggleCounter(detail::ArrayModel& model) : impl_(std::make_unique<Impl>(model)) {}
ToggleCounter::~ToggleCounter() = default;
void ToggleCounter::Sample() {
  impl_->Sample();
}
void ToggleCounter::Clear() {
  impl_->Clear();
}
const ToggleCounts& ToggleCounter::counts() const {
  return impl_->counts();
}

}  // namespace powersel::tb
