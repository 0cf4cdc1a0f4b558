#include "powersel/tb/harness.hpp"

#include <fmt/core.h>
#include <verilated.h>
#include <verilated_cov.h>

#include <algorithm>

#include "array_model.hpp"
#include "member_toggles.hpp"
#include "powersel/common/errors.hpp"
#include "trace_recorder.hpp"

namespace powersel::tb {

namespace {

constexpr int kResetCycles = 2;

std::string ShapeList(const std::vector<ArrayShape>& shapes) {
  std::string list;
  for (const ArrayShape& shape : shapes) {
    list += fmt::format("{}{}x{}", list.empty() ? "" : ", ", shape.rows, shape.cols);
  }
  return list;
}

bool Contains(const std::vector<ArrayShape>& shapes, ArrayShape shape) {
  return std::find(shapes.begin(), shapes.end(), shape) != shapes.end();
}

void ThrowNoModel(const HarnessOptions& options) {
  throw InputError("", "--rows/--cols",
                   fmt::format("no {}{}x{} array model in this build (built: {}; rebuild with "
                               "-DPOWERSEL_ARRAY_SIZES to add one)",
                               options.coverage_model ? "coverage " : "", options.shape.rows,
                               options.shape.cols, ShapeList(AvailableShapes())));
}

std::unique_ptr<detail::ArrayModel> MakeModelOrThrow(const HarnessOptions& options) {
  CheckHarnessOptions(options);
  const auto variant = options.coverage_model ? detail::ModelVariant::kCoverage
                       : options.low_power_pe ? detail::ModelVariant::kLowPower
                                              : detail::ModelVariant::kPlain;
  auto model = detail::MakeArrayModel(options.shape, variant, !options.trace_file.empty());
  if (!model) {
    ThrowNoModel(options);
  }
  return model;
}

}  // namespace

void CheckHarnessOptions(const HarnessOptions& options) {
  if (options.shape.rows < 1 || options.shape.cols < 1) {
    throw InputError("", "--rows/--cols",
                     fmt::format("an array of {}x{} PEs: both sizes must be at least 1",
                                 options.shape.rows, options.shape.cols));
  }
  if (!options.coverage_model && !Contains(AvailableShapes(), options.shape)) {
    ThrowNoModel(options);
  }
  if (options.low_power_pe && !Contains(LowPowerShapes(), options.shape)) {
    throw InputError(
        "", "--pe",
        fmt::format(
            "no {}x{} model of the low-power (clock-gated) array in this build (built: {}); "
            "clock-gated PEs and codesign need one",
            options.shape.rows, options.shape.cols, ShapeList(LowPowerShapes())));
  }
  if (options.gate_idle_columns && !options.low_power_pe) {
    throw InputError("", "--pe",
                     "idle columns are gated only in the low-power (clock-gated) array model");
  }
  if (options.trace_file.empty()) {
    return;
  }
  if (!Contains(TraceableShapes(), options.shape)) {
    throw InputError(
        "", "--trace",
        fmt::format("the {}x{} model has no tracing compiled in (traceable: {})",
                    options.shape.rows, options.shape.cols, ShapeList(TraceableShapes())));
  }
  const std::filesystem::path folder = options.trace_file.parent_path();
  if (!folder.empty() && !std::filesystem::is_directory(folder)) {
    throw InputError(options.trace_file.string(), "--trace",
                     "its folder does not exist (the waveform would not be written)");
  }
}

Harness::Harness(const HarnessOptions& options)
    : shape_(options.shape),
      gate_idle_columns_(options.gate_idle_columns),
      model_(MakeModelOrThrow(options)) {
  if (!options.trace_file.empty()) {
    model_->OpenTrace(options.trace_file);
  }
  driven_.wload_row.assign(static_cast<std::size_t>(shape_.cols), 0);
  driven_.col_enable.assign(static_cast<std::size_t>(shape_.cols), 1);
  driven_.activations.assign(static_cast<std::size_t>(shape_.rows), 0);
  driven_.psum_top.assign(static_cast<std::size_t>(shape_.cols), 0);
  ApplyPorts();
  model_->SetClock(false);
  model_->Eval();
  if (options.record_trace) {
    recorder_ = std::make_unique<detail::TraceRecorder>(*model_);
  }
  Reset();
  if (options.count_toggles) {
    toggle_counter_ = std::make_unique<ToggleCounter>(*model_);
  }
  if (options.member_toggles) {
    member_counter_ = std::make_unique<detail::MemberToggleCounter>(*model_);
  }
}

Harness::~Harness() = default;

void Harness::ApplyPorts() {
  model_->SetResetN(driven_.rst_n);
  model_->SetWeightRow(driven_.wload_valid, driven_.wload_row);
  model_->SetActivations(driven_.act_valid, driven_.activations);
  model_->SetPsumTop(driven_.psum_top);
  model_->SetColumnEnables(driven_.col_enable);
}

void Harness::Tick() {
  // Inputs were set while the clock was low, half a cycle away from the rising edge.
  ApplyPorts();
  if (recorder_) {
    recorder_->BeforeEdge(driven_);
  }
  model_->SetClock(true);
  model_->Eval();
  model_->DumpTrace(2 * cycles_ + 1);
  ++cycles_;
  if (toggle_counter_) {
    toggle_counter_->Sample();
  }
  if (member_counter_) {
    member_counter_->Sample();
  }
  if (recorder_) {
    recorder_->AfterEdge();
  }
  model_->SetClock(false);
  model_->Eval();
  model_->DumpTrace(2 * cycles_);
}

void Harness::DriveIdle() {
  // Bubbles carry zero activations: a defined, data-independent idle pattern.
  driven_.act_valid = false;
  std::fill(driven_.activations.begin(), driven_.activations.end(), std::uint8_t{0});
}

void Harness::Reset() {
  driven_.rst_n = false;
  for (int cycle = 0; cycle < kResetCycles; ++cycle) {
    Tick();
  }
  driven_.rst_n = true;
  Tick();
}

void SetColumnEnables(std::vector<std::uint8_t>& enables, int used_cols) {
  for (std::size_t col = 0; col < enables.size(); ++col) {
    enables[col] = static_cast<int>(col) < used_cols ? 1 : 0;
  }
}

void CheckWeightTile(ArrayShape shape, const Matrix<std::int8_t>& weights) {
  if (weights.rows() > shape.rows || weights.cols() > shape.cols) {
    throw InputError("", "weights",
                     fmt::format("a {}x{} tile does not fit a {}x{} array", weights.rows(),
                                 weights.cols(), shape.rows, shape.cols));
  }
}

void CheckStreamInputs(ArrayShape shape, const Matrix<std::uint8_t>& activations,
                       std::span<const std::int32_t> psum_top) {
  if (activations.cols() > shape.rows) {
    throw InputError("", "activations",
                     fmt::format("rows of {} activations do not fit {} array rows",
                                 activations.cols(), shape.rows));
  }
  if (!psum_top.empty() && static_cast<int>(psum_top.size()) != shape.cols) {
    throw InputError("", "psum_top", fmt::format("expected {} values, one per column", shape.cols));
  }
}

void Harness::LoadWeights(const Matrix<std::int8_t>& weights) {
  CheckWeightTile(shape_, weights);
  DriveIdle();
  if (gate_idle_columns_) {
    SetColumnEnables(driven_.col_enable, weights.cols());
  }
  // The bottom row enters first and ends up at the bottom after Rows shifts.
  driven_.wload_valid = true;
  for (int r = shape_.rows - 1; r >= 0; --r) {
    std::fill(driven_.wload_row.begin(), driven_.wload_row.end(), std::int8_t{0});
    if (r < weights.rows()) {
      std::copy(weights.Row(r).begin(), weights.Row(r).end(), driven_.wload_row.begin());
    }
    Tick();
  }
  driven_.wload_valid = false;
  std::fill(driven_.wload_row.begin(), driven_.wload_row.end(), std::int8_t{0});
  Tick();  // the load-path register delivers the last row
}

Matrix<std::int32_t> Harness::Stream(const Matrix<std::uint8_t>& activations,
                                     std::span<const std::int32_t> psum_top) {
  CheckStreamInputs(shape_, activations, psum_top);
  std::fill(driven_.psum_top.begin(), driven_.psum_top.end(), 0);
  std::copy(psum_top.begin(), psum_top.end(), driven_.psum_top.begin());

  const int stream_rows = activations.rows();
  Matrix<std::int32_t> results(stream_rows, shape_.cols);
  const std::uint64_t deadline = cycles_ + stream_rows + PipelineLatency(shape_) + 1;
  int sent = 0;
  int received = 0;
  while (received < stream_rows) {
    if (sent < stream_rows) {
      driven_.act_valid = true;
      std::copy(activations.Row(sent).begin(), activations.Row(sent).end(),
                driven_.activations.begin());
      ++sent;
    } else {
      DriveIdle();
    }
    Tick();
    if (model_->OutputValid()) {
      model_->ReadOutputs(results.Row(received));
      ++received;
    }
    if (cycles_ > deadline) {
      throw CheckFailure(fmt::format("array produced {} of {} result rows within {} cycles",
                                     received, stream_rows, PipelineLatency(shape_)));
    }
  }
  DriveIdle();
  return results;
}

ArrayTrace Harness::TakeTrace() {
  if (!recorder_) {
    throw std::logic_error("Harness::TakeTrace needs HarnessOptions::record_trace");
  }
  return recorder_->Take(driven_);
}

const ToggleCounts* Harness::toggles() const {
  return toggle_counter_ ? &toggle_counter_->counts() : nullptr;
}

const ToggleCounts* Harness::member_toggles() const {
  return member_counter_ ? &member_counter_->counts() : nullptr;
}

void Harness::ClearToggles() {
  if (toggle_counter_) {
    toggle_counter_->Clear();
  }
  if (member_counter_) {
    member_counter_->Clear();
  }
}

void Harness::WriteCoverage(const std::filesystem::path& path) {
  VerilatedCovContext* coverage = model_->context().coveragep();
  // Without this every instance of a module shares one counter.
  coverage->forcePerInstance(true);
  coverage->write(path.c_str());
}

}  // namespace powersel::tb
