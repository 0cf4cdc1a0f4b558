// A second, deliberately plain toggle counter (detail of the harness): it reads every counted
// signal through the model's generated member names, one signal and one byte at a time,
// masked to the signal's declared width. ToggleCounter's merged regions, word-wise SWAR and
// 16-bit lane flushes are what it cross-checks, on the plain models of every size.
#pragma once

#include <cstdint>
#include <vector>

#include "array_model.hpp"
#include "powersel/tb/toggles.hpp"

namespace powersel::tb::detail {

class MemberToggleCounter {
 public:
  explicit MemberToggleCounter(const ArrayModel& model);

  void Sample();
  void Clear();
  const ToggleCounts& counts() const { return counts_; }

 private:
  struct Tracked {
    MemberSignal signal;
    std::uint64_t* counter;
    std::vector<std::uint8_t> previous;  // the counted bytes of every element, masked
  };
  void Read(const Tracked& tracked, std::vector<std::uint8_t>& bytes) const;

  ToggleCounts counts_;
  std::vector<Tracked> tracked_;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace powersel::tb::detail
