#include "powersel/power/edge_energy.hpp"

#include "powersel/tb/array_shape.hpp"

namespace powersel::power {

namespace {

bool InsidePe(const std::string& instance) {
  return instance.find(".u_pe.") != std::string::npos;
}

}  // namespace

EdgeFlipFlopEnergy MeasureEdgeFlipFlops(const GateNetlist& array, const NetEnergyTable& table) {
  double transitions = 0;
  int edge_flops = 0;
  for (const GateNetlist::Instance& instance : array.instances) {
    if (!instance.cell->flip_flop || InsidePe(instance.name)) {
      continue;
    }
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      if (instance.cell->pins[p].is_output) {
        const int net = instance.pin_nets[p];
        transitions += 0.5 * (table.rise_fj(net) + table.fall_fj(net));
      }
    }
    ++edge_flops;
  }
  // Every flip-flop of the netlist shares the clock alike.
  return {edge_flops == 0 ? 0.0 : transitions / edge_flops,
          table.clock_fj_per_cycle() / array.FlipFlopCount()};
}

std::uint64_t EdgeFlipFlopCount(tb::ArrayShape shape) {
  const auto rows = static_cast<std::uint64_t>(shape.rows);
  const auto cols = static_cast<std::uint64_t>(shape.cols);
  // Row r's skew holds r + 1 activation stages and one stage of the shared valid chain;
  // column c's de-skew holds cols - 1 - c partial sums; the load path is a row of weights and
  // its valid.
  const std::uint64_t skew = rows * (rows + 1) / 2 * tb::kActivationBits + rows;
  const std::uint64_t deskew = cols * (cols - 1) / 2 * tb::kPsumBits;
  const std::uint64_t load = cols * tb::kWeightBits + 1;
  return skew + deskew + load;
}

EdgeEnergy EstimateEdgeEnergy(const tb::ToggleCounts& toggles, const EdgeFlipFlopEnergy& flops) {
  const tb::ArrayShape shape{toggles.rows, toggles.cols};
  return {static_cast<double>(toggles.Total(tb::EdgeSignal::kInputSkew)) * flops.transition_fj,
          static_cast<double>(toggles.Total(tb::EdgeSignal::kOutputDeskew)) * flops.transition_fj,
          static_cast<double>(toggles.Total(tb::EdgeSignal::kLoadPath)) * flops.transition_fj,
          static_cast<double>(toggles.cycles) * static_cast<double>(EdgeFlipFlopCount(shape)) *
              flops.clock_fj};
}

}  // namespace powersel::power
