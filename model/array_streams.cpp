#include "powersel/model/array_streams.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <utility>

#include "powersel/common/errors.hpp"
#include "powersel/tb/harness.hpp"

namespace powersel::model {

namespace {

// tb::Harness holds the reset for this many edges, then releases it for one more.
constexpr int kResetCycles = 2;

// The 22-bit accumulator's two's-complement wrap, in 32-bit arithmetic: this is the inner
// loop, and the sum of a raw psum_top port value and a product may overflow an int32.
constexpr int kPsumPadBits = 32 - tb::kPsumBits;
constexpr std::int32_t AccumulateWrapped(std::int32_t psum, std::int8_t weight, std::uint8_t act) {
  const std::uint32_t sum = static_cast<std::uint32_t>(psum) +
                            static_cast<std::uint32_t>(std::int32_t{weight} * std::int32_t{act});
  return static_cast<std::int32_t>(sum << kPsumPadBits) >> kPsumPadBits;
}
static_assert(AccumulateWrapped(2'097'151, 1, 3) == -2'097'150);
static_assert(AccumulateWrapped(-2'097'152, -1, 3) == 2'097'149);

std::size_t Size(int n) {
  return static_cast<std::size_t>(n);
}

}  // namespace

ArrayStreamModel::ArrayStreamModel(const ArrayStreamOptions& options, const PeVisitor& visitor)
    : shape_(options.shape),
      record_trace_(options.record_trace),
      clock_gating_(options.clock_gating),
      idle_column_gating_(options.idle_column_gating) {
  if (shape_.rows < 1 || shape_.cols < 1) {
    throw InputError("", "--rows/--cols",
                     fmt::format("an array of {}x{} PEs: both sizes must be at least 1",
                                 shape_.rows, shape_.cols));
  }
  const std::size_t rows = Size(shape_.rows);
  const std::size_t cols = Size(shape_.cols);
  driven_.wload_row.assign(cols, 0);
  driven_.col_enable.assign(cols, 1);
  driven_.activations.assign(rows, 0);
  driven_.psum_top.assign(cols, 0);
  // --x-initial fast: the Verilated registers start at zero, and so do these.
  current_.assign(rows * cols, tb::PeInputs{});
  next_.assign(rows * cols, tb::PeInputs{});
  weight_q_.assign(rows * cols, 0);
  col_enable_q_.assign(cols, 1);
  skew_ring_.assign(rows * rows, 0);
  skew_valid_.assign(rows, 0);
  deskew_ring_.assign(cols * cols, 0);
  out_valid_line_.assign(cols, 0);
  trace_.shape = shape_;
  Reset(visitor);
}

void ArrayStreamModel::Reset(const PeVisitor& visitor) {
  driven_.rst_n = false;
  for (int cycle = 0; cycle < kResetCycles; ++cycle) {
    Edge(visitor);
  }
  driven_.rst_n = true;
  Edge(visitor);
}

void ArrayStreamModel::LoadWeights(const Matrix<std::int8_t>& weights, const PeVisitor& visitor) {
  tb::CheckWeightTile(shape_, weights);
  DriveIdle();
  if (idle_column_gating_) {
    tb::SetColumnEnables(driven_.col_enable, weights.cols());
  }
  // The bottom row enters first and ends up at the bottom after Rows shifts.
  driven_.wload_valid = true;
  for (int r = shape_.rows - 1; r >= 0; --r) {
    std::fill(driven_.wload_row.begin(), driven_.wload_row.end(), std::int8_t{0});
    if (r < weights.rows()) {
      std::copy(weights.Row(r).begin(), weights.Row(r).end(), driven_.wload_row.begin());
    }
    Edge(visitor);
  }
  driven_.wload_valid = false;
  std::fill(driven_.wload_row.begin(), driven_.wload_row.end(), std::int8_t{0});
  Edge(visitor);  // the load-path register delivers the last row
}

Matrix<std::int32_t> ArrayStreamModel::Stream(const Matrix<std::uint8_t>& activations,
                                              std::span<const std::int32_t> psum_top,
                                              const PeVisitor& visitor) {
  tb::CheckStreamInputs(shape_, activations, psum_top);
  // The port keeps its value after the stream, as the Harness leaves it: the next edges'
  // entries show it on the top row.
  std::fill(driven_.psum_top.begin(), driven_.psum_top.end(), 0);
  std::copy(psum_top.begin(), psum_top.end(), driven_.psum_top.begin());

  const int stream_rows = activations.rows();
  Matrix<std::int32_t> results(stream_rows, shape_.cols);
  const int cols = shape_.cols;
  int sent = 0;
  int received = 0;
  while (received < stream_rows) {
    if (sent < stream_rows) {
      driven_.act_valid = true;
      // Only the first K lanes change; the rest keep the zeros of the last idle drive.
      std::copy(activations.Row(sent).begin(), activations.Row(sent).end(),
                driven_.activations.begin());
      ++sent;
    } else {
      DriveIdle();
    }
    Edge(visitor);
    if (out_valid_) {
      // Column c left the bottom cols - 1 - c edges ago.
      std::span<std::int32_t> row = results.Row(received);
      for (int c = 0; c < cols; ++c) {
        const int slot = (deskew_head_ - (cols - 1 - c) + cols) % cols;
        row[Size(c)] = deskew_ring_[Size(slot * cols + c)];
      }
      ++received;
    }
  }
  DriveIdle();
  return results;
}

void ArrayStreamModel::Flush(const PeVisitor& visitor) {
  if (!open_) {
    return;
  }
  CompleteOpenEntry();
  Deliver(visitor);
  open_ = false;
}

tb::ArrayTrace ArrayStreamModel::TakeTrace() {
  if (!record_trace_) {
    throw std::logic_error("ArrayStreamModel::TakeTrace needs ArrayStreamOptions::record_trace");
  }
  Flush({});
  tb::ArrayTrace taken = std::move(trace_);
  trace_ = tb::ArrayTrace{shape_, {}, {}};
  return taken;
}

void ArrayStreamModel::DriveIdle() {
  // Bubbles carry zero activations, as in the Harness.
  driven_.act_valid = false;
  std::fill(driven_.activations.begin(), driven_.activations.end(), std::uint8_t{0});
}

void ArrayStreamModel::CompleteOpenEntry() {
  // Built with the ports of its own edge; these are the ports of the edge that follows.
  if (current_.front().rst_n != driven_.rst_n) {
    for (tb::PeInputs& pe : current_) {
      pe.rst_n = driven_.rst_n;
    }
  }
  // The trace shows the port as driven, before the 22-bit truncation at the array's pins.
  for (std::size_t c = 0; c < Size(shape_.cols); ++c) {
    current_[c].psum = driven_.psum_top[c];
  }
}

void ArrayStreamModel::Deliver(const PeVisitor& visitor) {
  if (record_trace_) {
    trace_.pe_inputs.insert(trace_.pe_inputs.end(), current_.begin(), current_.end());
    trace_.ports.push_back(driven_);
  }
  if (visitor) {
    visitor(current_);
  }
}

void ArrayStreamModel::Edge(const PeVisitor& visitor) {
  // Even after a Flush, the edge must see the ports it is clocked with.
  CompleteOpenEntry();
  if (open_) {
    Deliver(visitor);
  }
  Advance();
  open_ = true;
  ++cycles_;
}

void ArrayStreamModel::Advance() {
  const int rows = shape_.rows;
  const int cols = shape_.cols;
  // The asynchronous reset clears every valid bit at the edge; the datapath still clocks.
  const bool run = driven_.rst_n;
  const bool shift = run && driven_.wload_valid;
  // The column enables' register: all on at reset, the port's in load cycles. A column's
  // bit gates the valid entering its PEs.
  if (!run) {
    std::fill(col_enable_q_.begin(), col_enable_q_.end(), std::uint8_t{1});
  } else if (idle_column_gating_ && driven_.wload_valid) {
    col_enable_q_ = driven_.col_enable;
  }
  const std::vector<std::uint8_t>& enabled = col_enable_q_;

  const std::int32_t* const held_bottom = deskew_ring_.data() + Size(deskew_head_ * cols);
  deskew_head_ = (deskew_head_ + 1) % cols;
  std::int32_t* const bottom_psums = deskew_ring_.data() + Size(deskew_head_ * cols);
  // PE (r, c)'s registers take its inputs; its neighbours below and to the right read them.
  for (int r = 0; r < rows; ++r) {
    const bool bottom = r == rows - 1;
    const std::size_t row_begin = Size(r * cols);
    for (std::size_t i = row_begin; i < row_begin + Size(cols); ++i) {
      const tb::PeInputs& in = current_[i];
      // A clock-gated PE's activation and partial-sum registers hold without a valid input.
      const bool clocked = !clock_gating_ || in.act_valid;
      const std::int32_t psum =
          clocked ? AccumulateWrapped(in.psum, weight_q_[i], in.act)
                  : (bottom ? held_bottom[i - row_begin] : current_[i + Size(cols)].psum);
      if (in.shift) {
        weight_q_[i] = in.weight;
      }
      if (i + 1 < row_begin + Size(cols)) {
        next_[i + 1].act = clocked ? in.act : current_[i + 1].act;
        next_[i + 1].act_valid = run && in.act_valid && enabled[i + 1 - row_begin] != 0;
      }
      if (bottom) {
        bottom_psums[i - row_begin] = psum;
      } else {
        next_[i + Size(cols)].psum = psum;
        next_[i + Size(cols)].weight = weight_q_[i];
      }
      next_[i].shift = shift;
      next_[i].rst_n = driven_.rst_n;
    }
  }
  // The output valid is the bottom-right PE's in an array without column gates; its own
  // line, the same cycles, in one with them (ws_array): this one models both.
  std::rotate(out_valid_line_.rbegin(), out_valid_line_.rbegin() + 1, out_valid_line_.rend());
  out_valid_line_.front() = run && skew_valid_[Size(rows - 1)] != 0;
  if (!run) {
    std::fill(out_valid_line_.begin(), out_valid_line_.end(), std::uint8_t{0});
  }
  out_valid_ = out_valid_line_.back() != 0;

  // The left edge reads the input skew, a ring in which row r taps the vector of r edges ago.
  skew_head_ = (skew_head_ + 1) % rows;
  std::copy(driven_.activations.begin(), driven_.activations.end(),
            skew_ring_.begin() + skew_head_ * rows);
  for (int r = rows - 1; r > 0; --r) {
    skew_valid_[Size(r)] = run && skew_valid_[Size(r - 1)] != 0;
  }
  skew_valid_[0] = run && driven_.act_valid;
  for (int r = 0; r < rows; ++r) {
    tb::PeInputs& left = next_[Size(r * cols)];
    left.act = skew_ring_[Size(((skew_head_ - r + rows) % rows) * rows + r)];
    left.act_valid = skew_valid_[Size(r)] != 0 && enabled[0] != 0;
  }
  // The top edge reads the load-path register and, until completed, the psum port as now.
  for (int c = 0; c < cols; ++c) {
    next_[Size(c)].weight = driven_.wload_row[Size(c)];
    next_[Size(c)].psum = driven_.psum_top[Size(c)];
  }
  std::swap(current_, next_);
}

}  // namespace powersel::model
