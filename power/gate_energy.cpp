#include "powersel/power/gate_energy.hpp"

#include <bit>
#include <numeric>

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
  for (std::size_t net = 2; net < nets; ++net) {
    const double wire =
        fanout[net] == 0 ? 0 : options.wire_base_pf + options.wire_per_fanout_pf * fanout[net];
    load_pf_[net] = pin_load_pf[net] + wire;
    // Half C V^2 per transition, in fJ (pF x V^2 = pJ).
    const double switching_fj = 0.5 * load_pf_[net] * volts * volts * 1000.0;
    if (switching_fj > 0 && !is_clock[net]) {
      parts_[net].push_back({switching, switching_fj, switching_fj});
    }
  }

  for (const GateNetlist::Instance& instance : netlist.instances) {
    const int category = Category(instance.cell->name);
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      const LibertyPin& pin = instance.cell->pins[p];
      const int net = instance.pin_nets[p];
      const std::size_t index = static_cast<std::size_t>(net);
      if (pin.is_output) {
        const auto external = external_load_pf.find(net);
        const double load_pf =
            load_pf_[index] + (external == external_load_pf.end() ? 0.0 : external->second);
        const auto [rise, fall] =
            OutputInternalEnergy(pin, load_pf / library.capacitance_unit_pf, slew);
        parts_[index].push_back({category, rise * unit_fj, fall * unit_fj});
      } else if (pin.is_clock) {
        // The clock rises and falls once every cycle, whatever the data does.
        const auto [rise, fall] = InputPassiveEnergy(pin, slew);
        clock_fj_ += (rise + fall) * unit_fj;
      } else if (net > 1) {
        const auto [rise, fall] = InputPassiveEnergy(pin, slew);
        if (rise != 0 || fall != 0) {
          parts_[index].push_back({category, rise * unit_fj, fall * unit_fj});
        }
      }
    }
  }
  for (std::size_t net = 2; net < nets; ++net) {
    if (is_clock[net]) {
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

GateEnergyMeter::GateEnergyMeter(const NetEnergyTable& table, int net_count, int lanes)
    : table_(table),
      lanes_(lanes),
      rise_planes_(static_cast<std::size_t>(net_count) * kPlanes, 0),
      fall_planes_(rise_planes_.size(), 0),
      rise_counts_(static_cast<std::size_t>(net_count) * kLanes, 0),
      fall_counts_(rise_counts_.size(), 0),
      lane_energy_fj_(kLanes, 0) {}

namespace {

// Adds 1 to the bit-sliced counter of every lane set in `lanes` (ripple carry, usually one
// or two planes deep).
inline void AddLanes(std::uint64_t* planes, std::uint64_t lanes, int plane_count) {
  for (int plane = 0; plane < plane_count && lanes != 0; ++plane) {
    const std::uint64_t carry = planes[plane] & lanes;
    planes[plane] ^= lanes;
    lanes = carry;
  }
}

}  // namespace

void GateEnergyMeter::Accumulate(const GateSimulator& simulator) {
  ++cycles_;
  energy_current_ = false;
  const std::span<const std::uint64_t> rises = simulator.rises();
  const std::span<const std::uint64_t> falls = simulator.falls();
  const std::uint64_t active =
      lanes_ >= kLanes ? ~std::uint64_t{0} : (std::uint64_t{1} << lanes_) - 1;
  for (std::size_t net = 2; net < rises.size(); ++net) {
    if (const std::uint64_t rose = rises[net] & active; rose != 0) {
      AddLanes(&rise_planes_[net * kPlanes], rose, kPlanes);
    }
    if (const std::uint64_t fell = falls[net] & active; fell != 0) {
      AddLanes(&fall_planes_[net * kPlanes], fell, kPlanes);
    }
  }
  // A net changes at most once a step, so the counters cannot overflow before this.
  if (++steps_since_flush_ == (1U << kPlanes) - 1) {
    Flush();
  }
}

void GateEnergyMeter::Flush() const {
  if (steps_since_flush_ == 0) {
    return;
  }
  auto& rise_planes = const_cast<std::vector<std::uint64_t>&>(rise_planes_);
  auto& fall_planes = const_cast<std::vector<std::uint64_t>&>(fall_planes_);
  for (auto [planes, counts] :
       {std::pair{&rise_planes, &rise_counts_}, std::pair{&fall_planes, &fall_counts_}}) {
    const std::size_t nets = planes->size() / kPlanes;
    for (std::size_t net = 0; net < nets; ++net) {
      std::uint64_t* plane = &(*planes)[net * kPlanes];
      for (int k = 0; k < kPlanes; ++k) {
        for (std::uint64_t bits = plane[k]; bits != 0; bits &= bits - 1) {
          (*counts)[net * kLanes + static_cast<std::size_t>(std::countr_zero(bits))] +=
              std::uint64_t{1} << k;
        }
        plane[k] = 0;
      }
    }
  }
  steps_since_flush_ = 0;
}

void GateEnergyMeter::Clear() {
  cycles_ = 0;
  steps_since_flush_ = 0;
  energy_current_ = false;
  std::fill(rise_planes_.begin(), rise_planes_.end(), 0);
  std::fill(fall_planes_.begin(), fall_planes_.end(), 0);
  std::fill(rise_counts_.begin(), rise_counts_.end(), 0);
  std::fill(fall_counts_.begin(), fall_counts_.end(), 0);
}

std::span<const double> GateEnergyMeter::lane_energy_fj() const {
  if (!energy_current_) {
    Flush();
    const double clock = table_.clock_fj_per_cycle() * static_cast<double>(cycles_);
    for (int lane = 0; lane < kLanes; ++lane) {
      lane_energy_fj_[static_cast<std::size_t>(lane)] = lane < lanes_ ? clock : 0.0;
    }
    const std::size_t nets = rise_counts_.size() / kLanes;
    for (std::size_t net = 2; net < nets; ++net) {
      const double rise_fj = table_.rise_fj(static_cast<int>(net));
      const double fall_fj = table_.fall_fj(static_cast<int>(net));
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        lane_energy_fj_[lane] += rise_fj * static_cast<double>(rise_counts_[net * kLanes + lane]) +
                                 fall_fj * static_cast<double>(fall_counts_[net * kLanes + lane]);
      }
    }
    energy_current_ = true;
  }
  return lane_energy_fj_;
}

std::uint64_t GateEnergyMeter::Total(const std::vector<std::uint64_t>& counts, int net) const {
  Flush();
  const auto first = counts.begin() + static_cast<std::ptrdiff_t>(net) * kLanes;
  return std::accumulate(first, first + kLanes, std::uint64_t{0});
}

std::uint64_t GateEnergyMeter::net_rises(int net) const {
  return Total(rise_counts_, net);
}
std::uint64_t GateEnergyMeter::net_falls(int net) const {
  return Total(fall_counts_, net);
}

std::uint64_t GateEnergyMeter::lane_rises(int net, int lane) const {
  Flush();
  return rise_counts_[static_cast<std::size_t>(net) * kLanes + static_cast<std::size_t>(lane)];
}

std::uint64_t GateEnergyMeter::lane_falls(int net, int lane) const {
  Flush();
  return fall_counts_[static_cast<std::size_t>(net) * kLanes + static_cast<std::size_t>(lane)];
}

std::vector<double> GateEnergyMeter::CategoryEnergyFj() const {
  std::vector<double> energy(table_.categories().size(), 0);
  energy[NetEnergyTable::kClockCategory] =
      table_.clock_fj_per_cycle() * static_cast<double>(cycles_) * lanes_;
  const int nets = static_cast<int>(rise_counts_.size() / kLanes);
  for (int net = 2; net < nets; ++net) {
    const auto rises = static_cast<double>(net_rises(net));
    const auto falls = static_cast<double>(net_falls(net));
    for (const NetEnergyTable::Part& part : table_.parts(net)) {
      energy[static_cast<std::size_t>(part.category)] +=
          part.rise_fj * rises + part.fall_fj * falls;
    }
  }
  return energy;
}

double GateEnergyMeter::NetEnergyFj(int net) const {
  return table_.rise_fj(net) * static_cast<double>(net_rises(net)) +
         table_.fall_fj(net) * static_cast<double>(net_falls(net));
}

}  // namespace powersel::power
