// Simulation harness around the Verilated weight-stationary array: reset, load a weight
// tile, stream activation rows, read aligned partial-sum rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/tb/array_shape.hpp"
#include "powersel/tb/toggles.hpp"
#include "powersel/tb/trace.hpp"

namespace powersel::tb {

// Cycles from an activation row entering the array to its result row leaving it: one input
// skew stage plus Rows PE stages down a column plus Cols - 1 stages of skew and de-skew.
constexpr int PipelineLatency(ArrayShape shape) {
  return shape.rows + shape.cols;
}

// Cycles of LoadWeights: one row per cycle plus the load-path register.
constexpr int WeightLoadCycles(ArrayShape shape) {
  return shape.rows + 1;
}

// Array sizes this build has a Verilated model for (CMake option POWERSEL_ARRAY_SIZES).
std::vector<ArrayShape> AvailableShapes();
// Sizes whose model carries FST tracing.
std::vector<ArrayShape> TraceableShapes();
// Sizes with a model of the low-power PE (HarnessOptions::low_power_pe).
std::vector<ArrayShape> LowPowerShapes();

struct HarnessOptions {
  ArrayShape shape;
  bool count_toggles = false;
  // Use the model built with Verilator's --coverage-toggle (4x4 only): slow, for cross-checks.
  bool coverage_model = false;
  // Count toggles a second time, signal by signal through the model's generated member names
  // (member_toggles()): slow, for cross-checking the counter on the plain models.
  bool member_toggles = false;
  // Waveform output (FST); empty for none.
  std::filesystem::path trace_file;
  // Record every PE's inputs and the ports, edge by edge, for gate-level replay.
  bool record_trace = false;
  // Use the model built with the low-power PE (zero-weight and zero-activation operand
  // isolation, sign-magnitude weights, clock gating: rtl/ws_pe.sv); bit-exact with the plain
  // one where its outputs are valid.
  bool low_power_pe = false;
  // Turn off the columns each weight tile leaves unused (ws_array's col_enable_i), so that
  // no valid activation enters them and their clock-gated PEs hold; low-power model only.
  bool gate_idle_columns = false;
};

// Throws the InputError the Harness would (sizes below 1, no model of that size, no tracing
// in it, a waveform folder that does not exist) without building a model: callers check
// before they create any output.
void CheckHarnessOptions(const HarnessOptions& options);

// The input checks of Harness::LoadWeights and Harness::Stream (InputError), for every model
// of the array that takes the same calls.
void CheckWeightTile(ArrayShape shape, const Matrix<std::int8_t>& weights);
// The column enables of a tile of `used_cols` columns: a thermometer code, one 0/1 per column.
void SetColumnEnables(std::vector<std::uint8_t>& enables, int used_cols);
void CheckStreamInputs(ArrayShape shape, const Matrix<std::uint8_t>& activations,
                       std::span<const std::int32_t> psum_top);

namespace detail {
class ArrayModel;
class MemberToggleCounter;
class TraceRecorder;
}  // namespace detail

class Harness {
 public:
  // Throws InputError if no model of that size (or with that tracing) is compiled in.
  explicit Harness(const HarnessOptions& options);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  ArrayShape shape() const { return shape_; }
  std::uint64_t cycles() const { return cycles_; }

  // Asserts the reset for a few cycles. The datapath registers have no reset and keep
  // their contents; the valid bits clear.
  void Reset();

  // Loads a K x N weight tile (K <= rows, N <= cols); PEs outside the tile get weight 0.
  // With HarnessOptions::gate_idle_columns only its N columns stay enabled.
  void LoadWeights(const Matrix<std::int8_t>& weights);

  // Streams M activation rows of K <= rows elements and returns the M x cols partial sums.
  // `psum_top` (one value per column, or empty for zeros) enters the top of each column.
  Matrix<std::int32_t> Stream(const Matrix<std::uint8_t>& activations,
                              std::span<const std::int32_t> psum_top = {});

  // Toggle counts since construction or the last ClearToggles(); null without counting.
  const ToggleCounts* toggles() const;
  // The same from the member-by-member count; null without HarnessOptions::member_toggles.
  const ToggleCounts* member_toggles() const;
  void ClearToggles();

  // Writes Verilator's coverage.dat (coverage model only), one entry per instance.
  void WriteCoverage(const std::filesystem::path& path);

  // The stimulus recorded since construction or the last call (record_trace only).
  ArrayTrace TakeTrace();

 private:
  void Tick();
  void DriveIdle();
  void ApplyPorts();

  ArrayShape shape_;
  bool gate_idle_columns_;
  std::unique_ptr<detail::ArrayModel> model_;
  std::unique_ptr<ToggleCounter> toggle_counter_;
  std::unique_ptr<detail::MemberToggleCounter> member_counter_;
  std::unique_ptr<detail::TraceRecorder> recorder_;
  ArrayPortValues driven_;  // what the ports are driven with now
  std::uint64_t cycles_ = 0;
};

}  // namespace powersel::tb
