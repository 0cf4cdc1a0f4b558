// Energy of a simulated gate-level netlist from its library: every net transition costs
// 1/2 C V^2 for its load (fan-out pin capacitances plus a wire estimate) plus the driving
// cell's internal energy for that transition and the passive energy of the pins it reaches;
// every cycle costs the free-running clock: flip-flop clock-pin energy and the clock net's
// own switching. A gated clock (behind a clock gate) is priced per transition instead, as
// clock.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "powersel/power/gate_simulator.hpp"
#include "powersel/power/liberty.hpp"

namespace powersel::power {

class TimedSimulator;

struct GateEnergyOptions {
  // Transition time assumed at every cell input (ns) for the internal-energy tables: a
  // typical edge of a lightly loaded OSU018 gate (0.04-0.12 ns in its transition tables).
  double input_slew_ns = 0.1;
  // Wire-load estimate, the library having no wire_load model: a short local net of a
  // compact PE, about 10-20 um of metal at 0.1-0.2 fF/um.
  double wire_base_pf = 0.002;
  double wire_per_fanout_pf = 0.002;
};

// Per-net energies in fJ, with the parts that make them up, for a netlist and library.
class NetEnergyTable {
 public:
  // `external_load_pf` adds load outside the netlist to some nets (e.g. an output port's
  // neighbour); its switching is left to whoever owns that wire.
  NetEnergyTable(const GateNetlist& netlist, const Library& library,
                 const GateEnergyOptions& options,
                 const std::map<int, double>& external_load_pf = {});

  double rise_fj(int net) const { return rise_fj_[static_cast<std::size_t>(net)]; }
  double fall_fj(int net) const { return fall_fj_[static_cast<std::size_t>(net)]; }
  double load_pf(int net) const { return load_pf_[static_cast<std::size_t>(net)]; }
  // The free-running clock's energy per cycle; gated clocks are not in it.
  double clock_fj_per_cycle() const { return clock_fj_; }
  bool gated_clock(int net) const { return gated_clock_[static_cast<std::size_t>(net)] != 0; }
  // What one flip-flop on the free-running clock adds to it per cycle, on average: its clock
  // pin's passive energy and C V^2 of the pin and its wire share.
  double free_clock_flop_fj() const { return free_clock_flop_fj_; }

  // Energy categories: "net switching", "clock", then one per cell type (internal energy).
  static constexpr int kClockCategory = 1;
  const std::vector<std::string>& categories() const { return categories_; }
  struct Part {
    int category;
    double rise_fj;
    double fall_fj;
  };
  std::span<const Part> parts(int net) const { return parts_[static_cast<std::size_t>(net)]; }

 private:
  int Category(const std::string& name);

  std::vector<double> rise_fj_;
  std::vector<double> fall_fj_;
  std::vector<double> load_pf_;
  std::vector<std::vector<Part>> parts_;
  std::vector<std::string> categories_;
  std::vector<std::uint8_t> gated_clock_;  // per net
  double clock_fj_ = 0;
  double free_clock_flop_fj_ = 0;
};

// Input ports whose nets a neighbouring instance of the same netlist drives from the given
// output port: the output's external load is the input's load (e.g. act_o feeds the next
// PE's act_i).
std::map<int, double> MirroredPortLoads(
    const GateNetlist& netlist, const NetEnergyTable& table,
    const std::vector<std::pair<std::string, std::string>>& output_to_input);

// Adds up transitions after every simulator step, per net and lane, and prices them. The
// counters are bit-sliced (one 64-lane word per count bit), so a step costs a few word
// operations per net that changed instead of one update per lane that did.
class GateEnergyMeter {
 public:
  // `lanes` simulated lanes each pay the clock every cycle.
  GateEnergyMeter(const NetEnergyTable& table, int net_count, int lanes);

  // One cycle of the zero-delay simulator: each net changed at most once.
  void Accumulate(const GateSimulator& simulator);
  // One cycle of the timed simulator: every transition, glitches included, each priced as a
  // full-swing one (a narrow pulse that does not reach the rail is charged as a whole one).
  void Accumulate(const TimedSimulator& simulator);
  void Clear();

  std::uint64_t cycles() const { return cycles_; }
  // Energy of each lane since construction or Clear(), clock included.
  std::span<const double> lane_energy_fj() const;
  // The clock's part of it: the free-running clock every cycle and the gated clocks' toggles.
  std::span<const double> lane_clock_fj() const;
  // Transitions of each net summed over lanes, and per lane.
  std::uint64_t net_rises(int net) const;
  std::uint64_t net_falls(int net) const;
  std::uint64_t lane_rises(int net, int lane) const;
  std::uint64_t lane_falls(int net, int lane) const;

  // Energy per category over all lanes and cycles, in fJ.
  std::vector<double> CategoryEnergyFj() const;
  double NetEnergyFj(int net) const;

  // With TrackCycles(true), each lane's transition energy (no clock, gated or not) of the last
  // Accumulate(): to attribute every cycle to its stimulus class. Nets may be sorted into
  // groups (`net_groups`, per net; 0 where it is short), each summed apart: e.g. flip-flop
  // outputs (GateNetlist::RegisterNets, group 1) switch at the edge, for what the logic
  // computed the cycle before.
  void TrackCycles(bool on, std::vector<std::uint8_t> net_groups = {});
  std::span<const double> last_cycle_fj(int group = 0) const {
    return last_cycle_fj_[static_cast<std::size_t>(group)];
  }
  std::span<const double> last_cycle_register_fj() const { return last_cycle_fj(1); }

 private:
  static constexpr int kLanes = 64;
  static constexpr int kPlanes = 16;  // bit-sliced counters hold up to 2^16 - 1 per lane
  static constexpr std::uint32_t kMaxGrowth = (1U << kPlanes) - 1;

  void Add(std::size_t net, std::uint64_t rose, std::uint64_t fell);
  // Moves the bit-sliced counts into the per-lane totals.
  void Flush() const;
  void ClearCycleEnergy();
  std::uint64_t Total(const std::vector<std::uint64_t>& counts, int net) const;

  const NetEnergyTable& table_;
  int lanes_;
  std::uint64_t active_;  // the lanes that are simulated
  std::uint64_t cycles_ = 0;
  // planes[net * kPlanes + k]: bit k of each lane's count since the last flush. Reading a
  // count flushes them, so they are mutable like the totals and the energy cache.
  mutable std::vector<std::uint64_t> rise_planes_;
  mutable std::vector<std::uint64_t> fall_planes_;
  // The most any lane's count can have grown since the last flush.
  mutable std::uint32_t growth_since_flush_ = 0;
  // Flushed totals, [net * kLanes + lane].
  mutable std::vector<std::uint64_t> rise_counts_;
  mutable std::vector<std::uint64_t> fall_counts_;
  mutable std::vector<double> lane_energy_fj_;
  mutable std::vector<double> lane_clock_fj_;
  mutable bool energy_current_ = false;
  bool track_cycles_ = false;
  std::vector<std::vector<double>> last_cycle_fj_{2};  // [group][lane]
  std::vector<std::uint8_t> net_groups_;               // per net
  void AddCycleEnergy(std::size_t net, std::uint64_t rose, std::uint64_t fell);
};

}  // namespace powersel::power
