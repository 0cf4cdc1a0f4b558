// A mapped netlist compiled for timed simulation: each cell output's function and the delay of
// the arc from each input, from the SDF laid onto the netlist.
#include "timed_netlist.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <regex>
#include <span>
#include <stdexcept>

#include "powersel/common/errors.hpp"

namespace powersel::power::detail {

namespace {

bool Mentions(const std::string& expression, const std::string& pin) {
  return std::regex_search(expression, std::regex("(^|[^A-Za-z0-9_])" + pin + "($|[^A-Za-z0-9_])"));
}

std::vector<int> Order(const std::vector<int>& delays) {
  std::vector<int> order(delays.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = static_cast<int>(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return delays[static_cast<std::size_t>(a)] < delays[static_cast<std::size_t>(b)];
  });
  return order;
}

void Compile(const GateNetlist::Instance& instance, const std::vector<NetlistDelays::Arc>& arcs,
             TimedNetlist& timed) {
  const GateNetlist::ClockTree& clock = timed.clock;
  const LibertyCell& cell = *instance.cell;
  auto arc = [&](std::size_t from, std::size_t to) -> const NetlistDelays::Arc* {
    for (const NetlistDelays::Arc& candidate : arcs) {
      if (candidate.from_pin == static_cast<int>(from) &&
          candidate.to_pin == static_cast<int>(to)) {
        return &candidate;
      }
    }
    return nullptr;
  };
  auto missing = [&](std::size_t from, std::size_t to) {
    return std::invalid_argument(fmt::format("no rise and fall delay for the arc {} -> {}",
                                             cell.pins[from].name, cell.pins[to].name));
  };
  std::vector<std::string> names;
  std::vector<std::size_t> pins;
  for (std::size_t p = 0; p < cell.pins.size(); ++p) {
    if (!cell.pins[p].is_output) {
      names.push_back(cell.pins[p].name);
      pins.push_back(p);
    }
  }
  std::vector<int> inputs;
  for (const std::size_t p : pins) {
    inputs.push_back(instance.pin_nets[p]);
  }
  if (cell.latch) {
    // The state is the output net itself, read back as one more input (its arc never fires:
    // re-evaluated with its own new value, a latch output stays).
    names.push_back("powersel_latch_state");
    pins.push_back(cell.pins.size());
    const LibertyLatch& latch = *cell.latch;
    for (std::size_t to = 0; to < cell.pins.size(); ++to) {
      if (cell.pins[to].is_output && cell.pins[to].function != latch.state) {
        throw std::invalid_argument("only latch outputs that are the state are supported");
      }
    }
  }
  if (!cell.flip_flop) {
    if (names.size() > static_cast<std::size_t>(kMaxCellInputs)) {
      throw std::invalid_argument(
          fmt::format("more than {} inputs are not supported", kMaxCellInputs));
    }
    for (std::size_t to = 0; to < cell.pins.size(); ++to) {
      if (!cell.pins[to].is_output) {
        continue;
      }
      const std::string function = cell.latch
                                       ? fmt::format("(({0})&({1}))|(!({0})&powersel_latch_state)",
                                                     cell.latch->enable, cell.latch->data_in)
                                       : cell.pins[to].function;
      std::vector<int> output_inputs = inputs;
      if (cell.latch) {
        output_inputs.push_back(instance.pin_nets[to]);
      }
      CombinationalOutput output{
          instance.pin_nets[to], BooleanFunction(function, names), output_inputs, {}, {}, {}, {}};
      for (std::size_t i = 0; i < pins.size(); ++i) {
        if (pins[i] == cell.pins.size()) {
          output.rise_ps.push_back(0);
          output.fall_ps.push_back(0);
          continue;
        }
        const NetlistDelays::Arc* found = arc(pins[i], to);
        const bool constant = inputs[i] <= 1;  // never changes: its arc never fires
        if (!constant && (found == nullptr || !found->rise_ns || !found->fall_ns)) {
          throw missing(pins[i], to);
        }
        output.rise_ps.push_back(constant ? 0 : DelayPs(*found->rise_ns));
        output.fall_ps.push_back(constant ? 0 : DelayPs(*found->fall_ns));
      }
      output.rise_order = Order(output.rise_ps);
      output.fall_order = Order(output.fall_ps);
      // Lane m of input i's word is bit i of m: the 64 lanes enumerate every minterm.
      constexpr std::array<std::uint64_t, kMaxCellInputs> kMinterms = {
          0xAAAAAAAAAAAAAAAAULL, 0xCCCCCCCCCCCCCCCCULL, 0xF0F0F0F0F0F0F0F0ULL,
          0xFF00FF00FF00FF00ULL, 0xFFFF0000FFFF0000ULL, 0xFFFFFFFF00000000ULL};
      output.truth_table =
          output.function.Evaluate(std::span(kMinterms).first(output_inputs.size()));
      timed.outputs.push_back(std::move(output));
    }
    return;
  }
  const LibertyFlipFlop& ff = *cell.flip_flop;
  FlipFlop flop{-1, {}, inputs, BooleanFunction(ff.next_state, names), {}, {}, {}};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == ff.clocked_on && clock.gated[static_cast<std::size_t>(inputs[i])] != 0) {
      flop.clock_net = inputs[i];
    }
  }
  if (!ff.clear.empty()) {
    flop.clear.emplace(ff.clear, names);
  }
  if (!ff.preset.empty()) {
    flop.preset.emplace(ff.preset, names);
  }
  std::vector<int> async_nets;
  const std::vector<std::string> state_names = {ff.state, ff.state_inverse};
  for (std::size_t to = 0; to < cell.pins.size(); ++to) {
    if (!cell.pins[to].is_output) {
      continue;
    }
    FlipFlopOutput output{
        instance.pin_nets[to], BooleanFunction(cell.pins[to].function, state_names), 0, 0, 0, 0};
    bool clocked = false;
    std::optional<int> async_rise;
    std::optional<int> async_fall;
    for (std::size_t i = 0; i < pins.size(); ++i) {
      const NetlistDelays::Arc* found = arc(pins[i], to);
      if (names[i] == ff.clocked_on) {
        if (found == nullptr || !found->rise_ns || !found->fall_ns) {
          throw missing(pins[i], to);
        }
        output.clock_rise_ps = DelayPs(*found->rise_ns);
        output.clock_fall_ps = DelayPs(*found->fall_ns);
        clocked = true;
      } else if ((Mentions(ff.clear, names[i]) || Mentions(ff.preset, names[i])) && inputs[i] > 1) {
        async_nets.push_back(inputs[i]);
        if (found != nullptr && found->rise_ns) {
          async_rise =
              std::min(async_rise.value_or(DelayPs(*found->rise_ns)), DelayPs(*found->rise_ns));
        }
        if (found != nullptr && found->fall_ns) {
          async_fall =
              std::min(async_fall.value_or(DelayPs(*found->fall_ns)), DelayPs(*found->fall_ns));
        }
      }
    }
    if (!clocked) {
      throw std::invalid_argument("only rising-edge flip-flops clocked by a pin are supported");
    }
    output.async_rise_ps = async_rise.value_or(0);
    output.async_fall_ps = async_fall.value_or(0);
    flop.outputs.push_back(std::move(output));
  }
  std::sort(async_nets.begin(), async_nets.end());
  async_nets.erase(std::unique(async_nets.begin(), async_nets.end()), async_nets.end());
  flop.async_inputs = std::move(async_nets);
  timed.flops.push_back(std::move(flop));
}

void CompileClockLogic(TimedNetlist& timed, const std::string& module) {
  const GateNetlist::ClockTree& clock = timed.clock;
  auto in_tree = [&](std::size_t net) {
    return clock.gated[net] != 0 || clock.free_running[net] != 0;
  };
  std::vector<std::uint8_t> ready(clock.gated.size(), 0);
  ready[static_cast<std::size_t>(clock.root)] = 1;
  std::vector<const CombinationalOutput*> pending;
  for (const CombinationalOutput& output : timed.outputs) {
    if (in_tree(static_cast<std::size_t>(output.net))) {
      pending.push_back(&output);
    }
  }
  while (!pending.empty()) {
    const auto next = std::find_if(pending.begin(), pending.end(), [&](const auto* output) {
      return std::all_of(output->inputs.begin(), output->inputs.end(), [&](int net) {
        const auto n = static_cast<std::size_t>(net);
        return ready[n] != 0 || !in_tree(n);
      });
    });
    if (next == pending.end()) {
      throw InputError(module, "", "the clock tree has a combinational loop");
    }
    timed.clock_logic.Append((*next)->function, (*next)->inputs, (*next)->net);
    timed.clock_reads.insert(timed.clock_reads.end(), (*next)->inputs.begin(),
                             (*next)->inputs.end());
    ready[static_cast<std::size_t>((*next)->net)] = 1;
    pending.erase(next);
  }
}

}  // namespace

int DelayPs(double ns) {
  return static_cast<int>(static_cast<std::int64_t>(ns * 1000.0 + 0.5));
}

TimedNetlist CompileTimedNetlist(const GateNetlist& netlist, const NetlistDelays& delays) {
  TimedNetlist timed;
  timed.clock = netlist.FindClockTree();
  for (std::size_t i = 0; i < netlist.instances.size(); ++i) {
    const GateNetlist::Instance& instance = netlist.instances[i];
    try {
      Compile(instance,
              i < delays.instances.size() ? delays.instances[i] : std::vector<NetlistDelays::Arc>{},
              timed);
    } catch (const std::invalid_argument& error) {
      throw InputError(netlist.module, "cell " + instance.name + " (" + instance.cell->name + ")",
                       error.what());
    }
  }
  if (timed.clock.has_gated) {
    CompileClockLogic(timed, netlist.module);
  }
  return timed;
}

}  // namespace powersel::power::detail
