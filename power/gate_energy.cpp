#include "powersel/power/gate_energy.hpp"

namespace powersel::power {

namespace {

constexpr const char* kSwitching = "net switching";
constexpr const char* kClock = "clock";

// Average of a pin's internal-power tables over its related pins: a zero-delay simulation
// cannot tell which input caused an output transition.
std::pair<double, double> OutputInternalEnergy(const LibertyPin& pin, double load, double slew) {
  double rise = 0;
  double fall = 0;
  int groups = 0;
  for (const InternalPower& power : pin.internal_power) {
    if (power.related_pin.empty()) {
      continue;
    }
    rise += power.rise ? power.rise->Lookup(load, slew) : 0;
    fall += power.fall ? power.fall->Lookup(load, slew) : 0;
    ++groups;
  }
  return groups == 0 ? std::pair{0.0, 0.0} : std::pair{rise / groups, fall / groups};
}

// Energy an input pin dissipates itself when it toggles (groups without a related pin).
std::pair<double, double> InputPassiveEnergy(const LibertyPin& pin, double slew) {
  double rise = 0;
  double fall = 0;
  for (const InternalPower& power : pin.internal_power) {
    if (power.related_pin.empty()) {
      rise += power.rise ? power.rise->Lookup(0, slew) : 0;
      fall += power.fall ? power.fall->Lookup(0, slew) : 0;
    }
  }
  return {rise, fall};
}

}  // namespace

int NetEnergyTable::Category(const std::string& name) {
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    if (categories_[i] == name) {
      return static_cast<int>(i);
    }
  }
  categories_.push_back(name);
  return static_cast<int>(categories_.size()) - 1;
}

NetEnergyTable::NetEnergyTable(const GateNetlist& netlist, const Library& library,
                               const GateEnergyOptions& options,
                               const std::map<int, double>& external_load_pf) {
  const std::size_t nets = static_cast<std::size_t>(netlist.net_count);
  rise_fj_.assign(nets, 0);
  fall_fj_.assign(nets, 0);
  load_pf_.assign(nets, 0);
  parts_.assign(nets, {});
  const int switching = Category(kSwitching);
  Category(kClock);  // index kClockCategory
  const double unit_fj = library.EnergyUnitFj();
  const double slew = options.input_slew_ns / library.time_unit_ns;
  const double volts = library.nominal_voltage_v;
  // The clock: free-running nets cost the same every cycle (clock_fj_), gated ones (behind a
  // clock gate) per transition like data, but in the clock category.
  const GateNetlist::ClockTree tree = netlist.FindClockTree();
  gated_clock_ = tree.gated;
  const int clock = kClockCategory;

  // Loads first: every input pin a net reaches, plus the wire estimate.
  std::vector<int> fanout(nets, 0);
  std::vector<double> pin_load_pf(nets, 0);
  std::vector<bool> is_clock(nets, false);
  for (const GateNetlist::Instance& instance : netlist.instances) {
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      const LibertyPin& pin = instance.cell->pins[p];
      const std::size_t net = static_cast<std::size_t>(instance.pin_nets[p]);
      if (!pin.is_output) {
        ++fanout[net];
        pin_load_pf[net] += pin.Capacitance() * library.capacitance_unit_pf;
        is_clock[net] = is_clock[net] || pin.is_clock;
      }
    }
  }
  std::vector<bool> free_clock(nets, false);
  for (std::size_t net = 2; net < nets; ++net) {
    free_clock[net] = tree.free_running[net] != 0 || (is_clock[net] && tree.gated[net] == 0);
    const double wire =
        fanout[net] == 0 ? 0 : options.wire_base_pf + options.wire_per_fanout_pf * fanout[net];
    load_pf_[net] = pin_load_pf[net] + wire;
    // Half C V^2 per transition, in fJ (pF x V^2 = pJ).
    const double switching_fj = 0.5 * load_pf_[net] * volts * volts * 1000.0;
    if (switching_fj > 0 && !free_clock[net]) {
      parts_[net].push_back({tree.gated[net] != 0 ? clock : switching, switching_fj, switching_fj});
    }
  }

  double flop_clock_fj = 0;
  int flop_clocks = 0;
  for (const GateNetlist::Instance& instance : netlist.instances) {
    const int category = Category(instance.cell->name);
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      const LibertyPin& pin = instance.cell->pins[p];
      const int net = instance.pin_nets[p];
      const std::size_t index = static_cast<std::size_t>(net);
      const int part_category = tree.gated[index] != 0 ? clock : category;
      if (pin.is_output) {
        const auto external = external_load_pf.find(net);
        const double load_pf =
            load_pf_[index] + (external == external_load_pf.end() ? 0.0 : external->second);
        const auto [rise, fall] =
            OutputInternalEnergy(pin, load_pf / library.capacitance_unit_pf, slew);
        if (free_clock[index]) {
          clock_fj_ += (rise + fall) * unit_fj;
        } else {
          parts_[index].push_back({part_category, rise * unit_fj, fall * unit_fj});
        }
      } else if (net > 1) {
        const auto [rise, fall] = InputPassiveEnergy(pin, slew);
        if (free_clock[index] && pin.is_clock && instance.cell->flip_flop) {
          flop_clock_fj +=
              (rise + fall) * unit_fj +
              (pin.Capacitance() * library.capacitance_unit_pf + options.wire_per_fanout_pf) *
                  volts * volts * 1000.0;
          ++flop_clocks;
        }
        if (free_clock[index]) {
          // A free-running clock rises and falls once every cycle, whatever the data does.
          clock_fj_ += (rise + fall) * unit_fj;
        } else if (rise != 0 || fall != 0) {
          parts_[index].push_back({part_category, rise * unit_fj, fall * unit_fj});
        }
      }
    }
  }
  free_clock_flop_fj_ = flop_clocks == 0 ? 0.0 : flop_clock_fj / flop_clocks;
  for (std::size_t net = 2; net < nets; ++net) {
    if (free_clock[net]) {
      clock_fj_ += load_pf_[net] * volts * volts * 1000.0;  // two transitions of 1/2 C V^2
    }
    for (const Part& part : parts_[net]) {
      rise_fj_[net] += part.rise_fj;
      fall_fj_[net] += part.fall_fj;
    }
  }
}

std::map<int, double> MirroredPortLoads(
    const GateNetlist& netlist, const NetEnergyTable& table,
    const std::vector<std::pair<std::string, std::string>>& output_to_input) {
  std::map<int, double> loads;
  for (const auto& [output, input] : output_to_input) {
    const GateNetlist::Port& out = netlist.FindPort(output);
    const GateNetlist::Port& in = netlist.FindPort(input);
    for (std::size_t bit = 0; bit < out.nets.size() && bit < in.nets.size(); ++bit) {
      loads[out.nets[bit]] += table.load_pf(in.nets[bit]);
    }
  }
  return loads;
}

}  // namespace powersel::power
