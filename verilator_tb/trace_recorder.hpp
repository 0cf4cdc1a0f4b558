// Fills an ArrayTrace from a Verilated array's public registers (detail of the harness).
#pragma once

#include <cstdint>
#include <vector>

#include "array_model.hpp"
#include "powersel/tb/trace.hpp"

namespace powersel::tb::detail {

class TraceRecorder {
 public:
  explicit TraceRecorder(ArrayModel& model);

  // Before rising edge t + 1, with the ports as driven for it: completes entry t.
  void BeforeEdge(const ArrayPortValues& ports);
  // After rising edge t: starts entry t from the registers feeding each PE.
  void AfterEdge();
  // The trace so far, its last entry completed with `ports`; recording starts afresh.
  ArrayTrace Take(const ArrayPortValues& ports);

 private:
  // Where PE (r, c) reads each input from in the model.
  struct PeSources {
    const std::uint8_t* act = nullptr;
    const std::uint8_t* act_valid = nullptr;
    const std::uint32_t* psum = nullptr;  // null on the top row: the psum_top port
    const std::uint8_t* weight = nullptr;
    // The byte of the column enables holding this PE's column's bit, and that bit.
    const std::uint8_t* col_enable = nullptr;
    std::uint8_t col_enable_bit = 0;
  };

  ArrayShape shape_;
  std::vector<PeSources> sources_;
  const std::uint8_t* shift_ = nullptr;
  ArrayTrace trace_;
  bool open_entry_ = false;
};

}  // namespace powersel::tb::detail
