// Event-driven timed simulation of a mapped netlist, 64 lanes at once. The delay rule (see the
// header) never cancels an event, it only lets the update take the latest value; so lanes need
// no per-lane event bookkeeping: an event is (time, net, lane mask), and an update is one word
// operation, out ^= (out ^ latest) & lanes.
#include "powersel/power/timed_simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <stdexcept>

#include "powersel/common/errors.hpp"
#include "powersel/power/gate_simulator.hpp"
#include "timed_netlist.hpp"

namespace powersel::power {

using detail::CombinationalOutput;
using detail::FlipFlop;
using detail::FlipFlopOutput;

class TimedSimulator::Impl {
  // Up to this many changed lanes, a cell is evaluated lane by lane from its truth table.
  static constexpr int kScalarLanes = 3;

 public:
  Impl(const GateNetlist& netlist, const NetlistDelays& delays, const TimedOptions& options)
      : options_(options) {
    const auto nets = static_cast<std::size_t>(netlist.net_count);
    detail::TimedNetlist timed = detail::CompileTimedNetlist(netlist, delays);
    outputs_ = std::move(timed.outputs);
    flops_ = std::move(timed.flops);
    if (timed.clock.has_gated) {
      clock_root_ = timed.clock.root;
      clock_logic_ = std::move(timed.clock_logic);
      clock_reads_ = std::move(timed.clock_reads);
      clock_edge_.assign(nets, 0);
    }
    std::vector<std::vector<int>> readers(nets);
    for (std::size_t o = 0; o < outputs_.size(); ++o) {
      for (const int net : outputs_[o].inputs) {
        readers[static_cast<std::size_t>(net)].push_back(static_cast<int>(o));
      }
    }
    for (std::size_t f = 0; f < flops_.size(); ++f) {
      for (const int net : flops_[f].async_inputs) {
        readers[static_cast<std::size_t>(net)].push_back(-1 - static_cast<int>(f));
      }
    }
    reader_start_.push_back(0);
    for (const std::vector<int>& of_net : readers) {
      readers_.insert(readers_.end(), of_net.begin(), of_net.end());
      reader_start_.push_back(static_cast<int>(readers_.size()));
    }
    for (const GateNetlist::Port& port : netlist.ports) {
      for (const int net : port.nets) {
        if (port.is_input && net > 1 && net != clock_root_) {
          primary_inputs_.push_back(net);
        }
      }
    }
    stamp_.assign(outputs_.size() + flops_.size(), 0);
    changed_now_.assign(nets, 0);
    pending_inputs_.assign(nets, 0);
    // Every event lies less than the longest arc (or the input offset) ahead of the time that
    // schedules it, so a wheel just longer than that holds them all, index = time mod size.
    int horizon = options.input_offset_ps;
    for (const CombinationalOutput& output : outputs_) {
      for (const auto* delays : {&output.rise_ps, &output.fall_ps}) {
        horizon = std::max(horizon, *std::max_element(delays->begin(), delays->end()));
      }
    }
    for (const FlipFlop& flop : flops_) {
      for (const FlipFlopOutput& output : flop.outputs) {
        horizon = std::max({horizon, output.clock_rise_ps, output.clock_fall_ps,
                            output.async_rise_ps, output.async_fall_ps});
      }
    }
    const std::size_t slots = std::bit_ceil(static_cast<std::size_t>(horizon) + 1 + 64);
    wheel_.resize(slots);
    wheel_mask_ = slots - 1;
    occupied_.assign(slots / 64, 0);

    // Power-on as the zero-delay simulator has it: registers low, the logic settled.
    const GateSimulator settled(netlist);
    values_.resize(nets);
    for (std::size_t net = 0; net < nets; ++net) {
      values_[net] = settled.Value(static_cast<int>(net));
    }
    latest_ = values_;
    state_.assign(flops_.size(), 0);
    for (std::size_t f = 0; f < flops_.size(); ++f) {
      state_[f] = ApplyAsync(f, 0);
    }
  }

  void SetInputBit(int net, std::uint64_t lanes) {
    pending_inputs_[static_cast<std::size_t>(net)] = lanes;
  }

  int Step() {
    transitions_.clear();
    // The edge: every flip-flop takes what its inputs settled to; Q follows after CLK->Q. The
    // clock tree is ideal for capture (every clock pin sees the edge at 0 ps): a flip-flop
    // behind a clock gate captures where its gated clock will rise, the gate's latch having
    // settled in the low phase; the tree's own transitions are then timed like any logic.
    if (clock_root_ >= 0) {
      for (const int net : clock_reads_) {
        clock_edge_[static_cast<std::size_t>(net)] = values_[static_cast<std::size_t>(net)];
      }
      clock_edge_[static_cast<std::size_t>(clock_root_)] = ~std::uint64_t{0};
      clock_logic_.Run(clock_edge_);
    }
    for (std::size_t f = 0; f < flops_.size(); ++f) {
      Gather(flops_[f].inputs);
      std::uint64_t captured = ~std::uint64_t{0};
      if (const int clock = flops_[f].clock_net; clock >= 0) {
        const auto c = static_cast<std::size_t>(clock);
        captured = clock_edge_[c] & ~values_[c];
      }
      state_[f] = ApplyAsync(
          f, (flops_[f].next_state.Evaluate(gathered_) & captured) | (state_[f] & ~captured));
    }
    for (std::size_t f = 0; f < flops_.size(); ++f) {
      DriveFlipFlop(f, 0, true);
    }
    if (clock_root_ >= 0) {
      DriveClock(0, ~std::uint64_t{0});
    }
    for (const int net : primary_inputs_) {
      const auto n = static_cast<std::size_t>(net);
      if (const std::uint64_t diff = pending_inputs_[n] ^ latest_[n]; diff != 0) {
        latest_[n] = pending_inputs_[n];
        Schedule(options_.input_offset_ps, net, diff);
      }
    }
    int last = RunFrom(0);
    if (clock_root_ >= 0) {
      // The falling edge at half the period (or once the logic has settled, if later).
      const int fall = std::max(options_.clock_period_ps / 2, last + 1);
      DriveClock(fall, 0);
      last = RunFrom(fall);
    }
    return last;
  }

  std::uint64_t Value(int net) const { return values_[static_cast<std::size_t>(net)]; }
  std::span<const Transition> transitions() const { return transitions_; }

 private:
  // Every event from `start` until nothing is left; the time of the last.
  int RunFrom(int start) {
    int last = start;
    for (int t = NextTime(start); t >= 0; t = NextTime(t + 1)) {
      last = t;
      const std::size_t slot = static_cast<std::size_t>(t) & wheel_mask_;
      auto& bucket = wheel_[slot];
      while (!bucket.empty()) {  // zero-delay arcs append to the bucket being run
        events_.swap(bucket);
        bucket.clear();
        Run(t);
      }
      occupied_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
      --occupied_slots_;
    }
    return last;
  }

  void DriveClock(int at, std::uint64_t level) {
    const auto root = static_cast<std::size_t>(clock_root_);
    latest_[root] = level;
    Schedule(at, clock_root_, level ^ values_[root]);
  }

  void Gather(const std::vector<int>& nets) {
    gathered_.resize(nets.size());
    for (std::size_t i = 0; i < nets.size(); ++i) {
      gathered_[i] = values_[static_cast<std::size_t>(nets[i])];
    }
  }

  // `state` with clear and preset applied, from the flip-flop's current input values.
  std::uint64_t ApplyAsync(std::size_t f, std::uint64_t state) {
    const FlipFlop& flop = flops_[f];
    if (!flop.clear && !flop.preset) {
      return state;
    }
    Gather(flop.inputs);
    if (flop.preset) {
      state |= flop.preset->Evaluate(gathered_);
    }
    if (flop.clear) {
      state &= ~flop.clear->Evaluate(gathered_);  // clear wins, as in GateSimulator
    }
    return state;
  }

  void DriveFlipFlop(std::size_t f, int now, bool clocked) {
    const std::uint64_t state[2] = {state_[f], ~state_[f]};
    for (const FlipFlopOutput& output : flops_[f].outputs) {
      const auto n = static_cast<std::size_t>(output.net);
      const std::uint64_t value = output.function.Evaluate(state);
      if (const std::uint64_t diff = value ^ latest_[n]; diff != 0) {
        latest_[n] = value;
        Schedule(now + (clocked ? output.clock_rise_ps : output.async_rise_ps), output.net,
                 diff & value);
        Schedule(now + (clocked ? output.clock_fall_ps : output.async_fall_ps), output.net,
                 diff & ~value);
      }
    }
  }

  void Schedule(int at, int net, std::uint64_t lanes) {
    if (lanes == 0) {
      return;
    }
    if (at >= options_.clock_period_ps) {
      throw std::runtime_error(fmt::format(
          "timed simulation: an event at {} ps does not settle within the {} ps clock period", at,
          options_.clock_period_ps));
    }
    const std::size_t slot = static_cast<std::size_t>(at) & wheel_mask_;
    auto& bucket = wheel_[slot];
    if (!bucket.empty() && bucket.back().net == net) {
      bucket.back().lanes |= lanes;  // the same net at the same time: one event
      return;
    }
    bucket.push_back({net, lanes});
    std::uint64_t& word = occupied_[slot / 64];
    const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
    occupied_slots_ += (word & bit) == 0 ? 1 : 0;
    word |= bit;
  }

  // The earliest time >= `from` with events, or -1. All events lie within one wheel turn of
  // `from`, so the scan goes round at most once.
  int NextTime(int from) const {
    if (occupied_slots_ == 0) {
      return -1;
    }
    const std::size_t slot = static_cast<std::size_t>(from) & wheel_mask_;
    std::size_t word = slot / 64;
    std::uint64_t bits = occupied_[word] & (~std::uint64_t{0} << (slot % 64));
    int word_start = from - static_cast<int>(slot % 64);  // the time of the word's bit 0
    while (bits == 0) {
      word = (word + 1) % occupied_.size();
      word_start += 64;
      bits = occupied_[word];
    }
    return word_start + std::countr_zero(bits);
  }

  // Applies the updates due at `now`, then evaluates every reader of a net that changed once.
  void Run(int now) {
    touched_.clear();
    for (const Event& event : events_) {
      const auto n = static_cast<std::size_t>(event.net);
      const std::uint64_t old = values_[n];
      const std::uint64_t updated = old ^ ((old ^ latest_[n]) & event.lanes);
      if (const std::uint64_t changed = old ^ updated; changed != 0) {
        values_[n] = updated;
        transitions_.push_back({event.net, changed & updated, changed & old});
        if (changed_now_[n] == 0) {
          touched_.push_back(event.net);
        }
        changed_now_[n] |= changed;
      }
    }
    ++epoch_;
    dirty_.clear();
    for (const int net : touched_) {
      const auto n = static_cast<std::size_t>(net);
      for (int r = reader_start_[n]; r < reader_start_[n + 1]; ++r) {
        const int reader = readers_[static_cast<std::size_t>(r)];
        const std::size_t slot = reader >= 0
                                     ? static_cast<std::size_t>(reader)
                                     : outputs_.size() + static_cast<std::size_t>(-1 - reader);
        if (stamp_[slot] != epoch_) {
          stamp_[slot] = epoch_;
          dirty_.push_back(reader);
        }
      }
    }
    for (const int reader : dirty_) {
      if (reader >= 0) {
        Evaluate(outputs_[static_cast<std::size_t>(reader)], now);
      } else {
        const auto f = static_cast<std::size_t>(-1 - reader);
        state_[f] = ApplyAsync(f, state_[f]);
        DriveFlipFlop(f, now, false);
      }
    }
    for (const int net : touched_) {
      changed_now_[static_cast<std::size_t>(net)] = 0;
    }
  }

  void Evaluate(const CombinationalOutput& output, int now) {
    // Only lanes where an input changed now can change; the others keep their latest value.
    std::uint64_t dirty = 0;
    for (const int input : output.inputs) {
      dirty |= changed_now_[static_cast<std::size_t>(input)];
    }
    const auto n = static_cast<std::size_t>(output.net);
    std::uint64_t value = latest_[n];
    if (std::popcount(dirty) <= kScalarLanes) {
      // Usually one or two lanes: look each up in the truth table.
      for (std::uint64_t lanes = dirty; lanes != 0; lanes &= lanes - 1) {
        const int lane = std::countr_zero(lanes);
        unsigned minterm = 0;
        for (std::size_t i = 0; i < output.inputs.size(); ++i) {
          minterm |= static_cast<unsigned>(
                         (values_[static_cast<std::size_t>(output.inputs[i])] >> lane) & 1U)
                     << i;
        }
        const std::uint64_t bit = std::uint64_t{1} << lane;
        value = ((output.truth_table >> minterm) & 1U) != 0 ? value | bit : value & ~bit;
      }
    } else {
      std::array<std::uint64_t, detail::kMaxCellInputs> gathered{};
      for (std::size_t i = 0; i < output.inputs.size(); ++i) {
        gathered[i] = values_[static_cast<std::size_t>(output.inputs[i])];
      }
      const std::uint64_t all = output.function.Evaluate(
          std::span<const std::uint64_t>(gathered).first(output.inputs.size()));
      value ^= (value ^ all) & dirty;
    }
    const std::uint64_t diff = value ^ latest_[n];
    if (diff == 0) {
      return;
    }
    latest_[n] = value;
    // Each lane takes the arc of the input that changed now, the fastest if several did.
    auto schedule = [&](std::uint64_t lanes, const std::vector<int>& order,
                        const std::vector<int>& delay_ps) {
      for (const int i : order) {
        if (lanes == 0) {
          return;
        }
        const auto input = static_cast<std::size_t>(output.inputs[static_cast<std::size_t>(i)]);
        if (const std::uint64_t by_this = lanes & changed_now_[input]; by_this != 0) {
          Schedule(now + delay_ps[static_cast<std::size_t>(i)], output.net, by_this);
          lanes &= ~by_this;
        }
      }
      // Unreachable: a lane's value only changes when one of its inputs did.
      Schedule(now + delay_ps[static_cast<std::size_t>(order.back())], output.net, lanes);
    };
    schedule(diff & value, output.rise_order, output.rise_ps);
    schedule(diff & ~value, output.fall_order, output.fall_ps);
  }

  struct Event {
    int net;
    std::uint64_t lanes;
  };

  TimedOptions options_;
  int clock_root_ = -1;  // the clock input when clock gates make it simulated
  detail::NetProgram clock_logic_;
  std::vector<int> clock_reads_;
  std::vector<std::uint64_t> clock_edge_;  // the clock tree settled high (its nets only)
  std::vector<CombinationalOutput> outputs_;
  std::vector<FlipFlop> flops_;
  // The cells reading each net, net n's at [reader_start_[n], reader_start_[n + 1]):
  // outputs >= 0, flip-flops -1 - f.
  std::vector<int> readers_;
  std::vector<int> reader_start_;
  std::vector<int> primary_inputs_;
  std::vector<std::uint64_t> values_;  // what each net is now
  std::vector<std::uint64_t> latest_;  // what its driver last evaluated to
  std::vector<std::uint64_t> state_;
  std::vector<std::uint64_t> pending_inputs_;
  std::vector<std::uint64_t> changed_now_;  // lanes of each net that changed at this time
  std::vector<std::uint64_t> gathered_;
  std::vector<Transition> transitions_;    // of this Step()
  std::vector<std::vector<Event>> wheel_;  // events per ps, time mod wheel size
  std::size_t wheel_mask_ = 0;
  std::vector<std::uint64_t> occupied_;  // bit per non-empty wheel slot
  int occupied_slots_ = 0;
  std::vector<Event> events_;
  std::vector<int> touched_;
  std::vector<int> dirty_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t epoch_ = 0;
};

TimedSimulator::TimedSimulator(const GateNetlist& netlist, const NetlistDelays& delays,
                               const TimedOptions& options)
    : netlist_(netlist), impl_(std::make_unique<Impl>(netlist, delays, options)) {}

TimedSimulator::~TimedSimulator() = default;

void TimedSimulator::SetInputBit(int input_net, std::uint64_t lanes) {
  impl_->SetInputBit(input_net, lanes);
}

void TimedSimulator::Step() {
  last_event_ps_ = impl_->Step();
}

std::uint64_t TimedSimulator::Value(int net) const {
  return impl_->Value(net);
}

std::int64_t TimedSimulator::PortValue(const GateNetlist::Port& port, int lane,
                                       bool sign_extend) const {
  return LanePortValue(port, lane, sign_extend, [this](int net) { return Value(net); });
}

std::span<const TimedSimulator::Transition> TimedSimulator::transitions() const {
  return impl_->transitions();
}

}  // namespace powersel::power
