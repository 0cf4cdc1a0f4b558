#include <algorithm>
#include <bit>
#include <numeric>

#include "powersel/power/gate_energy.hpp"
#include "powersel/power/timed_simulator.hpp"

namespace powersel::power {

GateEnergyMeter::GateEnergyMeter(const NetEnergyTable& table, int net_count, int lanes)
    : table_(table),
      lanes_(lanes),
      active_(lanes >= kLanes ? ~std::uint64_t{0} : (std::uint64_t{1} << lanes) - 1),
      rise_planes_(static_cast<std::size_t>(net_count) * kPlanes, 0),
      fall_planes_(rise_planes_.size(), 0),
      rise_counts_(static_cast<std::size_t>(net_count) * kLanes, 0),
      fall_counts_(rise_counts_.size(), 0),
      lane_energy_fj_(kLanes, 0),
      lane_clock_fj_(kLanes, 0) {}

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

void GateEnergyMeter::TrackCycles(bool on, std::vector<std::uint8_t> net_groups) {
  track_cycles_ = on;
  net_groups_ = std::move(net_groups);
  const int groups =
      std::max(2, 1 + (net_groups_.empty()
                           ? 0
                           : int{*std::max_element(net_groups_.begin(), net_groups_.end())}));
  last_cycle_fj_.assign(static_cast<std::size_t>(groups),
                        std::vector<double>(on ? kLanes : 0, 0.0));
}

void GateEnergyMeter::ClearCycleEnergy() {
  for (std::vector<double>& group : last_cycle_fj_) {
    std::fill(group.begin(), group.end(), 0.0);
  }
}

void GateEnergyMeter::AddCycleEnergy(std::size_t net, std::uint64_t rose, std::uint64_t fell) {
  if (table_.gated_clock(static_cast<int>(net))) {
    return;
  }
  const double rise_fj = table_.rise_fj(static_cast<int>(net));
  const double fall_fj = table_.fall_fj(static_cast<int>(net));
  std::vector<double>& energy =
      last_cycle_fj_[net < net_groups_.size() ? net_groups_[net] : std::size_t{0}];
  for (; rose != 0; rose &= rose - 1) {
    energy[static_cast<std::size_t>(std::countr_zero(rose))] += rise_fj;
  }
  for (; fell != 0; fell &= fell - 1) {
    energy[static_cast<std::size_t>(std::countr_zero(fell))] += fall_fj;
  }
}

void GateEnergyMeter::Accumulate(const GateSimulator& simulator) {
  ++cycles_;
  energy_current_ = false;
  ClearCycleEnergy();
  const std::span<const std::uint64_t> rises = simulator.rises();
  const std::span<const std::uint64_t> falls = simulator.falls();
  for (std::size_t net = 2; net < rises.size(); ++net) {
    Add(net, rises[net], falls[net]);
  }
  // A net changes at most once a step, so the counters cannot overflow before this.
  if (++growth_since_flush_ == kMaxGrowth) {
    Flush();
  }
}

void GateEnergyMeter::Accumulate(const TimedSimulator& simulator) {
  ++cycles_;
  energy_current_ = false;
  ClearCycleEnergy();
  // A timed record usually holds one or two lanes: count them straight into the totals.
  for (const TimedSimulator::Transition& transition : simulator.transitions()) {
    if (transition.net <= 1) {
      continue;
    }
    const std::size_t first = static_cast<std::size_t>(transition.net) * kLanes;
    for (std::uint64_t lanes = transition.rose & active_; lanes != 0; lanes &= lanes - 1) {
      ++rise_counts_[first + static_cast<std::size_t>(std::countr_zero(lanes))];
    }
    for (std::uint64_t lanes = transition.fell & active_; lanes != 0; lanes &= lanes - 1) {
      ++fall_counts_[first + static_cast<std::size_t>(std::countr_zero(lanes))];
    }
    if (track_cycles_) {
      AddCycleEnergy(static_cast<std::size_t>(transition.net), transition.rose & active_,
                     transition.fell & active_);
    }
  }
}

void GateEnergyMeter::Add(std::size_t net, std::uint64_t rose, std::uint64_t fell) {
  if ((rose &= active_) != 0) {
    AddLanes(&rise_planes_[net * kPlanes], rose, kPlanes);
  }
  if ((fell &= active_) != 0) {
    AddLanes(&fall_planes_[net * kPlanes], fell, kPlanes);
  }
  if (track_cycles_ && (rose | fell) != 0) {
    AddCycleEnergy(net, rose, fell);
  }
}

void GateEnergyMeter::Flush() const {
  if (growth_since_flush_ == 0) {
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
  growth_since_flush_ = 0;
}

void GateEnergyMeter::Clear() {
  cycles_ = 0;
  growth_since_flush_ = 0;
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
      lane_clock_fj_[static_cast<std::size_t>(lane)] = lane < lanes_ ? clock : 0.0;
      lane_energy_fj_[static_cast<std::size_t>(lane)] = 0.0;
    }
    const std::size_t nets = rise_counts_.size() / kLanes;
    for (std::size_t net = 2; net < nets; ++net) {
      const double rise_fj = table_.rise_fj(static_cast<int>(net));
      const double fall_fj = table_.fall_fj(static_cast<int>(net));
      std::vector<double>& sums =
          table_.gated_clock(static_cast<int>(net)) ? lane_clock_fj_ : lane_energy_fj_;
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        sums[lane] += rise_fj * static_cast<double>(rise_counts_[net * kLanes + lane]) +
                      fall_fj * static_cast<double>(fall_counts_[net * kLanes + lane]);
      }
    }
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      lane_energy_fj_[lane] += lane_clock_fj_[lane];
    }
    energy_current_ = true;
  }
  return lane_energy_fj_;
}

std::span<const double> GateEnergyMeter::lane_clock_fj() const {
  lane_energy_fj();
  return lane_clock_fj_;
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
