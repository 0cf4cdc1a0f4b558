#include "powersel/model/pe_activity.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace powersel::model {

namespace {

int Toggles(std::uint32_t before, std::uint32_t after, int bits) {
  return std::popcount((before ^ after) & ((bits >= 32 ? 0U : 1U << bits) - 1U));
}

void AddLoad(std::vector<PeActivity::LoadCount>& loads, PeActivity::LoadCount load) {
  const auto same = std::find_if(
      loads.begin(), loads.end(),
      [&](const PeActivity::LoadCount& seen) { return seen.load_class == load.load_class; });
  if (same == loads.end()) {
    loads.push_back(load);
  } else {
    same->cycles += load.cycles;
  }
}

}  // namespace

PeActivity::PeActivity(tb::ArrayShape shape, const TransitionClasses& classes)
    : shape_(shape),
      classes_(&classes),
      pairs_(classes.activation_classes() * classes.psum_groups()),
      valid_cycles_(static_cast<std::size_t>(shape.rows * shape.cols), 0),
      pair_cycles_(static_cast<std::size_t>(shape.rows * shape.cols * pairs_), 0),
      loads_(static_cast<std::size_t>(shape.rows * shape.cols)),
      previous_(static_cast<std::size_t>(shape.rows * shape.cols)),
      weight_q_(static_cast<std::size_t>(shape.rows * shape.cols), 0),
      bottom_psum_(static_cast<std::size_t>(shape.cols), 0),
      edge_(tb::ToggleCounts::Zero(shape)) {}

void PeActivity::Observe(std::span<const tb::PeInputs> pes, std::span<const std::int8_t> weights) {
  const auto count = static_cast<std::size_t>(shape_.rows * shape_.cols);
  if (pes.size() != count || weights.size() != count) {
    throw std::invalid_argument("PeActivity: one input and one weight per PE");
  }
  ++cycles_;
  ++edge_.cycles;
  shift_cycles_ += pes.front().shift ? 1 : 0;
  seen_.clear();
  seen_start_.clear();
  const int groups = classes_->psum_groups();
  for (std::size_t pe = 0; pe < count; ++pe) {
    const tb::PeInputs& now = pes[pe];
    const tb::PeInputs& before = previous_[pe];
    valid_cycles_[pe] += now.act_valid ? 1 : 0;
    // The weight register takes the weight that shifted in at the last edge; while it moves
    // (and while weights shift) the cycle is a load cycle, priced by its transition.
    const std::int8_t register_before = weight_q_[pe];
    if (before.shift) {
      weight_q_[pe] = before.weight;
    }
    if (now.shift || before.shift) {
      AddLoad(loads_[pe],
              {TransitionClasses::LoadClass(now.act, register_before, weight_q_[pe]), 1});
    } else {
      const int pair = classes_->ActivationClass(before.act, now.act) * groups +
                       classes_->PsumGroup(before.psum, now.psum);
      ++pair_cycles_[pe * static_cast<std::size_t>(pairs_) + static_cast<std::size_t>(pair)];
    }
  }
  if (started_) {
    // The skew's last stage drives column 0; each of row r's r + 1 stages (and its valid
    // stage) carries the same sequence one cycle apart, so toggles the same bits.
    for (int row = 0; row < shape_.rows; ++row) {
      const auto pe = static_cast<std::size_t>(row * shape_.cols);
      const int act = Toggles(previous_[pe].act, pes[pe].act, tb::kActivationBits);
      const int valid = previous_[pe].act_valid != pes[pe].act_valid ? 1 : 0;
      edge_.input_skew[static_cast<std::size_t>(row)] +=
          static_cast<std::uint64_t>(act * (row + 1) + valid);
    }
    // The load path's weight row drives the top row's weight inputs, its valid bit the
    // shift of them all.
    for (int col = 0; col < shape_.cols; ++col) {
      const auto pe = static_cast<std::size_t>(col);
      edge_.load_path += static_cast<std::uint64_t>(
          Toggles(static_cast<std::uint8_t>(previous_[pe].weight),
                  static_cast<std::uint8_t>(pes[pe].weight), tb::kWeightBits));
    }
    edge_.load_path += previous_[0].shift != pes[0].shift ? 1 : 0;
  }
  // Column c's de-skew holds cols - 1 - c stages of what its bottom PE registers this edge:
  // the partial sum it saw last cycle plus its weight times the activation it saw.
  for (int col = 0; col < shape_.cols; ++col) {
    const auto pe = static_cast<std::size_t>((shape_.rows - 1) * shape_.cols + col);
    const std::int32_t out =
        tb::WrapPsum(previous_[pe].psum + std::int32_t{weights[pe]} * previous_[pe].act);
    if (started_) {
      edge_.output_deskew[static_cast<std::size_t>(col)] += static_cast<std::uint64_t>(
          Toggles(static_cast<std::uint32_t>(bottom_psum_[static_cast<std::size_t>(col)]),
                  static_cast<std::uint32_t>(out), tb::kPsumBits) *
          (shape_.cols - 1 - col));
    }
    bottom_psum_[static_cast<std::size_t>(col)] = out;
  }
  std::copy(pes.begin(), pes.end(), previous_.begin());
  started_ = true;
}

std::uint64_t PeActivity::LoadCycles(int pe) const {
  std::uint64_t cycles = 0;
  for (const LoadCount& load : Loads(pe)) {
    cycles += load.cycles;
  }
  return cycles;
}

void PeActivity::Seal() {
  seen_.clear();
  seen_start_.clear();
  const int pes = shape_.rows * shape_.cols;
  for (int pe = 0; pe < pes; ++pe) {
    seen_start_.push_back(static_cast<std::uint32_t>(seen_.size()));
    for (int pair = 0; pair < pairs_; ++pair) {
      if (const std::uint64_t cycles = PairCycles(pe, pair); cycles != 0) {
        seen_.push_back({pair, cycles});
      }
    }
  }
  seen_start_.push_back(static_cast<std::uint32_t>(seen_.size()));
}

PeActivity PeActivity::Continuation() const {
  PeActivity next(shape_, *classes_);
  next.previous_ = previous_;
  next.weight_q_ = weight_q_;
  next.bottom_psum_ = bottom_psum_;
  next.started_ = started_;
  return next;
}

PeActivity& PeActivity::operator+=(const PeActivity& other) {
  if (!(other.shape_ == shape_) || other.pairs_ != pairs_) {
    throw std::invalid_argument("PeActivity: adding another shape or grouping");
  }
  seen_.clear();
  seen_start_.clear();
  cycles_ += other.cycles_;
  shift_cycles_ += other.shift_cycles_;
  for (std::size_t pe = 0; pe < valid_cycles_.size(); ++pe) {
    valid_cycles_[pe] += other.valid_cycles_[pe];
  }
  for (std::size_t i = 0; i < pair_cycles_.size(); ++i) {
    pair_cycles_[i] += other.pair_cycles_[i];
  }
  for (std::size_t pe = 0; pe < loads_.size(); ++pe) {
    for (const LoadCount& load : other.loads_[pe]) {
      AddLoad(loads_[pe], load);
    }
  }
  edge_ += other.edge_;
  return *this;
}

}  // namespace powersel::model
