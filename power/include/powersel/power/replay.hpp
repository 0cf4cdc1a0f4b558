// Array energy at gate level by replaying every PE's recorded inputs through the gate-level
// PE: a PE's energy depends only on its weight and its own input streams, so one PE netlist
// stands for all of them (64 PEs per simulator pass).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "powersel/power/gate_pe.hpp"
#include "powersel/tb/trace.hpp"

namespace powersel::power {

struct ReplayEnergy {
  Measurement measurement = Measurement::kZeroDelay;
  tb::ArrayShape shape;
  std::uint64_t cycles = 0;
  std::vector<double> pe_fj;  // per PE (row-major), over the whole replay
  double total_fj = 0;
  std::vector<std::string> categories;
  std::vector<double> category_fj;  // summed over PEs
};

class PeReplay {
 public:
  // With `delays` (StaticPeDelays) the replay is timed, glitches counted; else zero-delay.
  PeReplay(tb::ArrayShape shape, const GateNetlist& pe_netlist, const Library& library,
           const GateEnergyOptions& options, const NetlistDelays* delays = nullptr);

  // Consecutive pieces of one run (Harness::TakeTrace) may be fed one after another.
  void Feed(const tb::ArrayTrace& trace);
  ReplayEnergy Result() const;
  // Each PE's energy so far (row-major), without Result()'s category breakdown: cheap enough
  // to read after every tile.
  std::vector<double> PeEnergyFj() const;
  // The clock's part of each PE's energy so far (free-running and gated).
  std::vector<double> PeClockFj() const;

  // The gate-level PE that replays PE `pe` (row-major), and its lane.
  const GatePe& PeGroup(int pe) const {
    return *groups_[static_cast<std::size_t>(pe / GatePe::kLanes)];
  }
  static int Lane(int pe) { return pe % GatePe::kLanes; }

 private:
  tb::ArrayShape shape_;
  std::vector<std::unique_ptr<GatePe>> groups_;
  std::uint64_t cycles_ = 0;
};

}  // namespace powersel::power
