#include "powersel/power/replay.hpp"

#include <stdexcept>

namespace powersel::power {

PeReplay::PeReplay(tb::ArrayShape shape, const GateNetlist& pe_netlist, const Library& library,
                   const GateEnergyOptions& options, const NetlistDelays* delays)
    : shape_(shape) {
  const int pes = shape.rows * shape.cols;
  for (int first = 0; first < pes; first += GatePe::kLanes) {
    groups_.push_back(std::make_unique<GatePe>(pe_netlist, library, options,
                                               std::min(GatePe::kLanes, pes - first), delays));
  }
}

void PeReplay::Feed(const tb::ArrayTrace& trace) {
  if (!(trace.shape == shape_)) {
    throw std::invalid_argument("PeReplay: trace of another array shape");
  }
  const std::size_t pes = static_cast<std::size_t>(shape_.rows * shape_.cols);
  for (std::size_t cycle = 0; cycle < trace.cycles(); ++cycle) {
    const tb::PeInputs* inputs = trace.pe_inputs.data() + cycle * pes;
    for (std::size_t group = 0; group < groups_.size(); ++group) {
      const std::size_t first = group * GatePe::kLanes;
      groups_[group]->Step({inputs + first, std::min<std::size_t>(GatePe::kLanes, pes - first)});
    }
  }
  cycles_ += trace.cycles();
}

std::vector<double> PeReplay::PeEnergyFj() const {
  std::vector<double> energy;
  for (int pe = 0; pe < shape_.rows * shape_.cols; ++pe) {
    energy.push_back(PeGroup(pe).meter().lane_energy_fj()[static_cast<std::size_t>(Lane(pe))]);
  }
  return energy;
}

std::vector<double> PeReplay::PeClockFj() const {
  std::vector<double> energy;
  for (int pe = 0; pe < shape_.rows * shape_.cols; ++pe) {
    energy.push_back(PeGroup(pe).meter().lane_clock_fj()[static_cast<std::size_t>(Lane(pe))]);
  }
  return energy;
}

ReplayEnergy PeReplay::Result() const {
  ReplayEnergy result;
  result.measurement = groups_.front()->measurement();
  result.shape = shape_;
  result.cycles = cycles_;
  result.categories = groups_.front()->table().categories();
  result.category_fj.assign(result.categories.size(), 0);
  result.pe_fj = PeEnergyFj();
  for (const double energy : result.pe_fj) {
    result.total_fj += energy;
  }
  for (const auto& group : groups_) {
    const std::vector<double> categories = group->meter().CategoryEnergyFj();
    for (std::size_t i = 0; i < categories.size(); ++i) {
      result.category_fj[i] += categories[i];
    }
  }
  return result;
}

}  // namespace powersel::power
