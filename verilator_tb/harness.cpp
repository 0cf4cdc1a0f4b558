#include "powersel/tb/harness.hpp"

#include <fmt/core.h>
#include <verilated.h>
#include <verilated_cov.h>

#include <algorithm>

#include "array_model.hpp"
#include "powersel/common/errors.hpp"

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

std::unique_ptr<detail::ArrayModel> MakeModelOrThrow(const HarnessOptions& options) {
  const auto variant =
      options.coverage_model ? detail::ModelVariant::kCoverage : detail::ModelVariant::kPlain;
  auto model = detail::MakeArrayModel(options.shape, variant, !options.trace_file.empty());
  if (!model) {
    throw InputError("", "--rows/--cols",
                     fmt::format("no {}{}x{} array model in this build (built: {}; rebuild with "
                                 "-DPOWERSEL_ARRAY_SIZES to add one)",
                                 options.coverage_model ? "coverage " : "", options.shape.rows,
                                 options.shape.cols, ShapeList(AvailableShapes())));
  }
  if (!options.trace_file.empty() && !model->CanTrace()) {
    throw InputError(
        "", "--trace",
        fmt::format("the {}x{} model has no tracing compiled in (traceable: {})",
                    options.shape.rows, options.shape.cols, ShapeList(TraceableShapes())));
  }
  return model;
}

}  // namespace

Harness::Harness(const HarnessOptions& options)
    : shape_(options.shape), model_(MakeModelOrThrow(options)), idle_activations_(shape_.rows, 0) {
  if (!options.trace_file.empty()) {
    model_->OpenTrace(options.trace_file);
  }
  DriveIdle();
  const std::vector<std::int8_t> zero_weights(shape_.cols, 0);
  model_->SetWeightRow(false, zero_weights);
  model_->SetPsumTop(std::vector<std::int32_t>(shape_.cols, 0));
  model_->SetClock(false);
  model_->Eval();
  Reset();
  if (options.count_toggles) {
    toggle_counter_ = std::make_unique<ToggleCounter>(*model_);
  }
}

Harness::~Harness() = default;

void Harness::Tick() {
  // Inputs were set while the clock was low, half a cycle away from the rising edge.
  model_->SetClock(true);
  model_->Eval();
  model_->DumpTrace(2 * cycles_ + 1);
  ++cycles_;
  if (toggle_counter_) {
    toggle_counter_->Sample();
  }
  model_->SetClock(false);
  model_->Eval();
  model_->DumpTrace(2 * cycles_);
}

void Harness::DriveIdle() {
  // Bubbles carry zero activations: a defined, data-independent idle pattern.
  model_->SetActivations(false, idle_activations_);
}

void Harness::Reset() {
  model_->SetResetN(false);
  for (int cycle = 0; cycle < kResetCycles; ++cycle) {
    Tick();
  }
  model_->SetResetN(true);
  Tick();
}

void Harness::LoadWeights(const Matrix<std::int8_t>& weights) {
  if (weights.rows() > shape_.rows || weights.cols() > shape_.cols) {
    throw InputError("", "weights",
                     fmt::format("a {}x{} tile does not fit a {}x{} array", weights.rows(),
                                 weights.cols(), shape_.rows, shape_.cols));
  }
  DriveIdle();
  std::vector<std::int8_t> row(shape_.cols);
  // The bottom row enters first and ends up at the bottom after Rows shifts.
  for (int r = shape_.rows - 1; r >= 0; --r) {
    std::fill(row.begin(), row.end(), std::int8_t{0});
    if (r < weights.rows()) {
      std::copy(weights.Row(r).begin(), weights.Row(r).end(), row.begin());
    }
    model_->SetWeightRow(true, row);
    Tick();
  }
  std::fill(row.begin(), row.end(), std::int8_t{0});
  model_->SetWeightRow(false, row);
  Tick();  // the load-path register delivers the last row
}

Matrix<std::int32_t> Harness::Stream(const Matrix<std::uint8_t>& activations,
                                     std::span<const std::int32_t> psum_top) {
  if (activations.cols() > shape_.rows) {
    throw InputError("", "activations",
                     fmt::format("rows of {} activations do not fit {} array rows",
                                 activations.cols(), shape_.rows));
  }
  if (!psum_top.empty() && static_cast<int>(psum_top.size()) != shape_.cols) {
    throw InputError("", "psum_top",
                     fmt::format("expected {} values, one per column", shape_.cols));
  }
  std::vector<std::int32_t> top(shape_.cols, 0);
  std::copy(psum_top.begin(), psum_top.end(), top.begin());
  model_->SetPsumTop(top);

  const int stream_rows = activations.rows();
  Matrix<std::int32_t> results(stream_rows, shape_.cols);
  std::vector<std::uint8_t> vector(shape_.rows, 0);
  const std::uint64_t deadline = cycles_ + stream_rows + PipelineLatency(shape_) + 1;
  int sent = 0;
  int received = 0;
  while (received < stream_rows) {
    if (sent < stream_rows) {
      std::copy(activations.Row(sent).begin(), activations.Row(sent).end(), vector.begin());
      model_->SetActivations(true, vector);
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

const ToggleCounts* Harness::toggles() const {
  return toggle_counter_ ? &toggle_counter_->counts() : nullptr;
}

void Harness::ClearToggles() {
  if (toggle_counter_) {
    toggle_counter_->Clear();
  }
}

void Harness::WriteCoverage(const std::filesystem::path& path) {
  VerilatedCovContext* coverage = model_->context().coveragep();
  // Without this every instance of a module shares one counter.
  coverage->forcePerInstance(true);
  coverage->write(path.c_str());
}

}  // namespace powersel::tb
