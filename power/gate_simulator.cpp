#include "powersel/power/gate_simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <queue>
#include <stdexcept>

#include "boolean_function.hpp"
#include "powersel/common/errors.hpp"

namespace powersel::power {

namespace {

using detail::BooleanFunction;

struct CompiledOutput {
  int net;
  BooleanFunction function;
};

// A state element's outputs, as functions of its state and inverted state.
std::vector<CompiledOutput> StateOutputs(const LibertyCell& cell,
                                         const GateNetlist::Instance& instance,
                                         const std::string& state,
                                         const std::string& state_inverse) {
  const std::vector<std::string> state_names = {state, state_inverse};
  std::vector<CompiledOutput> outputs;
  for (std::size_t p = 0; p < cell.pins.size(); ++p) {
    if (cell.pins[p].is_output) {
      outputs.push_back(
          {instance.pin_nets[p], BooleanFunction(cell.pins[p].function, state_names)});
    }
  }
  return outputs;
}

struct CombinationalGate {
  std::vector<int> input_nets;
  std::vector<CompiledOutput> outputs;
};

struct FlipFlop {
  std::vector<int> input_nets;
  BooleanFunction next_state;
  std::optional<BooleanFunction> clear;
  std::optional<BooleanFunction> preset;
  std::vector<CompiledOutput> outputs;  // functions of (state, state_inverse)
  int clock_net = -1;                   // set when a clock gate drives the clock pin
};

struct Latch {
  std::vector<int> input_nets;
  BooleanFunction enable;
  BooleanFunction data;
  std::vector<CompiledOutput> outputs;  // functions of (state, state_inverse)
};

bool IsPlainPin(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

class GateSimulator::Impl {
 public:
  explicit Impl(const GateNetlist& netlist) : clock_(netlist.FindClockTree()) {
    std::vector<CombinationalGate> unordered;
    for (const GateNetlist::Instance& instance : netlist.instances) {
      const LibertyCell& cell = *instance.cell;
      std::vector<std::string> input_names;
      std::vector<int> input_nets;
      for (std::size_t p = 0; p < cell.pins.size(); ++p) {
        if (!cell.pins[p].is_output) {
          input_names.push_back(cell.pins[p].name);
          input_nets.push_back(instance.pin_nets[p]);
        }
      }
      try {
        if (cell.latch) {
          latches_.push_back(CompileLatch(cell, instance, input_names, input_nets));
        } else if (cell.flip_flop) {
          flip_flops_.push_back(CompileFlipFlop(cell, instance, input_names, input_nets));
        } else {
          CombinationalGate gate{input_nets, {}};
          for (std::size_t p = 0; p < cell.pins.size(); ++p) {
            if (cell.pins[p].is_output) {
              if (cell.pins[p].function.empty()) {
                throw std::invalid_argument("output " + cell.pins[p].name + " has no function");
              }
              gate.outputs.push_back(
                  {instance.pin_nets[p], BooleanFunction(cell.pins[p].function, input_names)});
            }
          }
          unordered.push_back(std::move(gate));
        }
      } catch (const std::invalid_argument& error) {
        throw InputError(netlist.module, "cell " + instance.name + " (" + cell.name + ")",
                         error.what());
      }
    }
    Levelize(netlist, std::move(unordered));
    if (clock_.root >= 0) {
      clock_nets_.push_back(clock_.root);
    }
    state_.assign(flip_flops_.size(), 0);
    latch_state_.assign(latches_.size(), 0);
  }

  // The clock input, -1 when the clock is implicit: no clock gate, every flip-flop takes
  // every edge, and the input never needs to toggle.
  int clock_root() const { return clock_.has_gated ? clock_.root : -1; }

  // The rising edge: the clock tree settles with the clock high; a flip-flop behind a clock
  // gate captures only in the lanes where its clock rose (against `before`, the nets as the
  // last step left them).
  void Capture(std::vector<std::uint64_t>& values, const std::vector<std::uint64_t>& before) {
    if (clock_root() >= 0) {
      values[static_cast<std::size_t>(clock_root())] = ~std::uint64_t{0};
      clock_logic_.Run(values);
    }
    for (std::size_t f = 0; f < flip_flops_.size(); ++f) {
      const FlipFlop& flop = flip_flops_[f];
      Gather(flop.input_nets, values);
      const std::uint64_t next = flop.next_state.Evaluate(inputs_);
      std::uint64_t captured = ~std::uint64_t{0};
      if (flop.clock_net >= 0) {
        const auto clock = static_cast<std::size_t>(flop.clock_net);
        captured = values[clock] & ~before[clock];
      }
      state_[f] = ApplyAsync(flop, (next & captured) | (state_[f] & ~captured));
    }
    DriveOutputs(values);
  }

  void Settle(std::vector<std::uint64_t>& values) {
    constexpr int kMaxAsyncPasses = 4;
    for (int pass = 0; pass < kMaxAsyncPasses; ++pass) {
      logic_.Run(values);
      // Asynchronous clear and preset act as soon as their inputs settle, and open latches
      // follow their data.
      bool changed = UpdateLatches(values);
      for (std::size_t f = 0; f < flip_flops_.size(); ++f) {
        Gather(flip_flops_[f].input_nets, values);
        const std::uint64_t forced = ApplyAsync(flip_flops_[f], state_[f]);
        changed |= forced != state_[f];
        state_[f] = forced;
      }
      if (!changed) {
        return;
      }
      DriveOutputs(values);
    }
  }

  // The falling edge: the clock tree settles with the clock low, and the latches it opens
  // take their data (a clock gate's enable). Only the tree's nets change, unless a latch did:
  // then the logic must settle again (SettleLatches).
  bool FallClock(std::vector<std::uint64_t>& values) {
    values[static_cast<std::size_t>(clock_root())] = 0;
    clock_logic_.Run(values);
    return UpdateLatches(values);
  }

  void SettleLatches(std::vector<std::uint64_t>& values) {
    DriveOutputs(values);
    Settle(values);
  }

  // The clock input and every net the clock tree's gates drive.
  const std::vector<int>& clock_nets() const { return clock_nets_; }

 private:
  FlipFlop CompileFlipFlop(const LibertyCell& cell, const GateNetlist::Instance& instance,
                           const std::vector<std::string>& input_names,
                           const std::vector<int>& input_nets) {
    const LibertyFlipFlop& ff = *cell.flip_flop;
    if (!IsPlainPin(ff.clocked_on)) {
      throw std::invalid_argument("only rising-edge flip-flops are supported (clocked_on \"" +
                                  ff.clocked_on + "\")");
    }
    FlipFlop flop{input_nets, BooleanFunction(ff.next_state, input_names), {}, {}, {}, -1};
    for (std::size_t i = 0; i < input_names.size(); ++i) {
      if (input_names[i] == ff.clocked_on &&
          clock_.gated[static_cast<std::size_t>(input_nets[i])] != 0) {
        flop.clock_net = input_nets[i];
      }
    }
    if (!ff.clear.empty()) {
      flop.clear.emplace(ff.clear, input_names);
    }
    if (!ff.preset.empty()) {
      flop.preset.emplace(ff.preset, input_names);
    }
    flop.outputs = StateOutputs(cell, instance, ff.state, ff.state_inverse);
    return flop;
  }

  Latch CompileLatch(const LibertyCell& cell, const GateNetlist::Instance& instance,
                     const std::vector<std::string>& input_names,
                     const std::vector<int>& input_nets) {
    const LibertyLatch& latch = *cell.latch;
    return {input_nets, BooleanFunction(latch.enable, input_names),
            BooleanFunction(latch.data_in, input_names),
            StateOutputs(cell, instance, latch.state, latch.state_inverse)};
  }

  bool UpdateLatches(const std::vector<std::uint64_t>& values) {
    bool changed = false;
    for (std::size_t l = 0; l < latches_.size(); ++l) {
      Gather(latches_[l].input_nets, values);
      const std::uint64_t open = latches_[l].enable.Evaluate(inputs_);
      const std::uint64_t next =
          (latches_[l].data.Evaluate(inputs_) & open) | (latch_state_[l] & ~open);
      changed |= next != latch_state_[l];
      latch_state_[l] = next;
    }
    return changed;
  }

  // Orders gates so that each reads only settled nets; a combinational loop is an error.
  void Levelize(const GateNetlist& netlist, std::vector<CombinationalGate> unordered) {
    std::vector<int> driver(static_cast<std::size_t>(netlist.net_count), -1);
    for (std::size_t g = 0; g < unordered.size(); ++g) {
      for (const CompiledOutput& output : unordered[g].outputs) {
        driver[static_cast<std::size_t>(output.net)] = static_cast<int>(g);
      }
    }
    std::vector<int> pending(unordered.size(), 0);
    std::vector<std::vector<int>> readers(unordered.size());
    for (std::size_t g = 0; g < unordered.size(); ++g) {
      for (const int net : unordered[g].input_nets) {
        if (const int source = driver[static_cast<std::size_t>(net)]; source >= 0) {
          ++pending[g];
          readers[static_cast<std::size_t>(source)].push_back(static_cast<int>(g));
        }
      }
    }
    std::queue<int> ready;
    for (std::size_t g = 0; g < unordered.size(); ++g) {
      if (pending[g] == 0) {
        ready.push(static_cast<int>(g));
      }
    }
    std::vector<int> order;
    while (!ready.empty()) {
      const int g = ready.front();
      ready.pop();
      order.push_back(g);
      for (const int reader : readers[static_cast<std::size_t>(g)]) {
        if (--pending[static_cast<std::size_t>(reader)] == 0) {
          ready.push(reader);
        }
      }
    }
    if (order.size() != unordered.size()) {
      throw InputError(netlist.module, "", "the netlist has a combinational loop");
    }
    for (const int g : order) {
      const CombinationalGate& gate = unordered[static_cast<std::size_t>(g)];
      for (const CompiledOutput& output : gate.outputs) {
        logic_.Append(output.function, gate.input_nets, output.net);
        const auto net = static_cast<std::size_t>(output.net);
        if (clock_.free_running[net] != 0 || clock_.gated[net] != 0) {
          clock_logic_.Append(output.function, gate.input_nets, output.net);
          clock_nets_.push_back(output.net);
        }
      }
    }
  }

  std::uint64_t ApplyAsync(const FlipFlop& flop, std::uint64_t state) const {
    if (flop.preset) {
      state |= flop.preset->Evaluate(inputs_);
    }
    if (flop.clear) {
      state &= ~flop.clear->Evaluate(inputs_);  // clear wins when both are active
    }
    return state;
  }

  void DriveOutputs(std::vector<std::uint64_t>& values) {
    for (std::size_t f = 0; f < flip_flops_.size(); ++f) {
      const std::uint64_t state[2] = {state_[f], ~state_[f]};
      for (const CompiledOutput& output : flip_flops_[f].outputs) {
        values[static_cast<std::size_t>(output.net)] = output.function.Evaluate(state);
      }
    }
    for (std::size_t l = 0; l < latches_.size(); ++l) {
      const std::uint64_t state[2] = {latch_state_[l], ~latch_state_[l]};
      for (const CompiledOutput& output : latches_[l].outputs) {
        values[static_cast<std::size_t>(output.net)] = output.function.Evaluate(state);
      }
    }
  }

  void Gather(const std::vector<int>& nets, const std::vector<std::uint64_t>& values) {
    inputs_.resize(nets.size());
    for (std::size_t i = 0; i < nets.size(); ++i) {
      inputs_[i] = values[static_cast<std::size_t>(nets[i])];
    }
  }

  GateNetlist::ClockTree clock_;
  detail::NetProgram logic_;        // every combinational gate, in topological order
  detail::NetProgram clock_logic_;  // the gates of the clock tree, in the same order
  std::vector<FlipFlop> flip_flops_;
  std::vector<Latch> latches_;
  std::vector<std::uint64_t> state_;
  std::vector<std::uint64_t> latch_state_;
  std::vector<int> clock_nets_;
  std::vector<std::uint64_t> inputs_;
};

GateSimulator::GateSimulator(const GateNetlist& netlist)
    : netlist_(netlist),
      values_(static_cast<std::size_t>(netlist.net_count), 0),
      previous_(values_.size(), 0),
      pending_inputs_(values_.size(), 0),
      rises_(values_.size(), 0),
      falls_(values_.size(), 0),
      impl_(std::make_unique<Impl>(netlist)) {
  values_[1] = ~std::uint64_t{0};
  // Power-on: all inputs and registers low (the clock too), the logic settled.
  impl_->Settle(values_);
  middle_.resize(values_.size());
}

GateSimulator::~GateSimulator() = default;

void GateSimulator::SetInputBit(int input_net, std::uint64_t lanes) {
  pending_inputs_[static_cast<std::size_t>(input_net)] = lanes;
}

void GateSimulator::SetInput(const GateNetlist::Port& port,
                             std::span<const std::int64_t> lane_values) {
  for (std::size_t bit = 0; bit < port.nets.size(); ++bit) {
    std::uint64_t lanes = 0;
    for (std::size_t lane = 0; lane < lane_values.size(); ++lane) {
      lanes |= ((static_cast<std::uint64_t>(lane_values[lane]) >> bit) & 1U) << lane;
    }
    SetInputBit(port.nets[bit], lanes);
  }
}

void GateSimulator::Step() {
  previous_ = values_;
  impl_->Capture(values_, previous_);
  const int clock = impl_->clock_root();
  for (const GateNetlist::Port& port : netlist_.ports) {
    if (port.is_input) {
      for (const int net : port.nets) {
        if (net > 1 && net != clock) {
          values_[static_cast<std::size_t>(net)] = pending_inputs_[static_cast<std::size_t>(net)];
        }
      }
    }
  }
  impl_->Settle(values_);
  for (std::size_t net = 0; net < values_.size(); ++net) {
    const std::uint64_t changed = previous_[net] ^ values_[net];
    rises_[net] = changed & values_[net];
    falls_[net] = changed & previous_[net];
  }
  if (clock < 0) {
    return;
  }
  // With clock gates the clock is simulated: it fell after everything settled, and a gated
  // clock that rose at the edge falls again in the same cycle.
  auto record = [&](std::size_t net) {
    const std::uint64_t changed = middle_[net] ^ values_[net];
    rises_[net] |= changed & values_[net];
    falls_[net] |= changed & middle_[net];
  };
  for (const int net : impl_->clock_nets()) {
    middle_[static_cast<std::size_t>(net)] = values_[static_cast<std::size_t>(net)];
  }
  const bool latched = impl_->FallClock(values_);
  for (const int net : impl_->clock_nets()) {
    record(static_cast<std::size_t>(net));
  }
  if (latched) {
    middle_ = values_;
    impl_->SettleLatches(values_);
    for (std::size_t net = 0; net < values_.size(); ++net) {
      record(net);
    }
  }
}

std::int64_t GateSimulator::PortValue(const GateNetlist::Port& port, int lane,
                                      bool sign_extend) const {
  return LanePortValue(port, lane, sign_extend, [this](int net) { return Value(net); });
}

}  // namespace powersel::power
