// A cycle model of the weight-stationary array's PE input streams, in plain C++: the same
// PeInputs, edge by edge, as tb::Harness records from the Verilated RTL, fast enough to walk
// whole layers without storing a trace. The RTL stays the reference: tests compare the two.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/tb/array_shape.hpp"
#include "powersel/tb/pe_model.hpp"
#include "powersel/tb/trace.hpp"

namespace powersel::model {

// Every PE's inputs for one rising edge, row-major (rows * cols entries); the span is only
// valid during the call.
using PeVisitor = std::function<void(std::span<const tb::PeInputs> pes)>;

struct ArrayStreamOptions {
  tb::ArrayShape shape;
  // Keep every edge for TakeTrace(), as tb::HarnessOptions::record_trace does: for tests, a
  // layer's trace is large.
  bool record_trace = false;
  // The PEs gate their clocks (ws_pe's ClockGating): activation and partial-sum registers
  // hold outside valid cycles, as in the Verilated low-power array.
  bool clock_gating = false;
  // The array turns off the columns each tile leaves unused (tb::HarnessOptions's
  // gate_idle_columns): no valid enters them, so with clock gating their PEs hold.
  bool idle_column_gating = false;
};

// Edge t's entry holds the registers after edge t and the ports as driven for edge t + 1
// (tb::ArrayTrace), so it is complete only once the next edge's ports are known. Each call
// therefore hands its visitor the entry left open by the previous call first, then its own
// edges but the last; Flush() hands over the open entry, completed with the ports as driven
// now, exactly where tb::Harness::TakeTrace would complete it.
class ArrayStreamModel {
 public:
  // Resets the array like tb::Harness's constructor; the reset's edges go to `visitor`.
  explicit ArrayStreamModel(const ArrayStreamOptions& options, const PeVisitor& visitor = {});

  tb::ArrayShape shape() const { return shape_; }
  std::uint64_t cycles() const { return cycles_; }

  // The same calls, edges and input checks as tb::Harness.
  void Reset(const PeVisitor& visitor = {});
  void LoadWeights(const Matrix<std::int8_t>& weights, const PeVisitor& visitor = {});
  // Returns the M x cols partial sums leaving the bottom of the array, de-skewed.
  Matrix<std::int32_t> Stream(const Matrix<std::uint8_t>& activations,
                              std::span<const std::int32_t> psum_top = {},
                              const PeVisitor& visitor = {});

  // Hands the last edge's entry to `visitor`, completed with the ports as driven now.
  void Flush(const PeVisitor& visitor);

  // The entries since construction or the last TakeTrace, the open one completed as by Flush()
  // (record_trace only): equal to tb::Harness::TakeTrace after the same calls.
  tb::ArrayTrace TakeTrace();

 private:
  void Edge(const PeVisitor& visitor);
  void CompleteOpenEntry();
  void Deliver(const PeVisitor& visitor);
  // Clocks the registers with `driven_` and builds the next edge's entry.
  void Advance();
  void DriveIdle();

  tb::ArrayShape shape_;
  bool record_trace_;
  bool clock_gating_;
  bool idle_column_gating_;
  tb::ArrayPortValues driven_;  // what the ports are driven with now
  // The open entry (the PEs' inputs for the coming edge) and the one being built.
  std::vector<tb::PeInputs> current_;
  std::vector<tb::PeInputs> next_;
  bool open_ = false;
  std::vector<std::int8_t> weight_q_;  // per PE: its weight register feeds its own multiplier
  // The column enables' register (all ones without idle-column gating).
  std::vector<std::uint8_t> col_enable_q_;
  // The input skew delays row r by r + 1 edges: a ring of the last `rows` activation vectors.
  std::vector<std::uint8_t> skew_ring_;
  int skew_head_ = 0;
  std::vector<std::uint8_t> skew_valid_;  // the valid chain, one stage per row
  // The output de-skew delays column c by cols - 1 - c edges: a ring of bottom-row sums.
  std::vector<std::int32_t> deskew_ring_;
  int deskew_head_ = 0;
  // The output's valid: the bottom row's skewed valid, cols edges later (oldest at the back).
  std::vector<std::uint8_t> out_valid_line_;
  bool out_valid_ = false;
  std::uint64_t cycles_ = 0;
  tb::ArrayTrace trace_;
};

}  // namespace powersel::model
