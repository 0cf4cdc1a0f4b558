#include "powersel/power/edge_energy.hpp"

#include <algorithm>
#include <cctype>

#include "powersel/tb/array_shape.hpp"

namespace powersel::power {

namespace {

bool InsidePe(const std::string& instance) {
  return instance.find(".u_pe.") != std::string::npos;
}

// Whether the array gates idle columns: its output valid has a delay line of its own
// (ws_array's gen_valid_line), found by its nets (the flip-flops carry generated names).
bool GatesIdleColumns(const GateNetlist& array) {
  return std::any_of(array.net_names.begin(), array.net_names.end(), [](const std::string& net) {
    return net.find("u_out_valid_delay.stage_q") != std::string::npos;
  });
}

// Whether `pin` is a data input of a flip-flop: named in its next_state function (D, not
// the clock, the clear or the preset).
bool IsDataPin(const LibertyCell& cell, const std::string& pin) {
  const std::string& next_state = cell.flip_flop->next_state;
  for (std::size_t at = next_state.find(pin); at != std::string::npos;
       at = next_state.find(pin, at + 1)) {
    const auto part_of_name = [&](std::size_t i) {
      return i < next_state.size() &&
             (std::isalnum(static_cast<unsigned char>(next_state[i])) || next_state[i] == '_');
    };
    if ((at == 0 || !part_of_name(at - 1)) && !part_of_name(at + pin.size())) {
      return true;
    }
  }
  return false;
}

double MeanTransitionFj(const NetEnergyTable& table, int net) {
  return 0.5 * (table.rise_fj(net) + table.fall_fj(net));
}

}  // namespace

EdgeFlipFlopEnergy MeasureEdgeFlipFlops(const GateNetlist& array, const NetEnergyTable& table,
                                        const GatePe& pe) {
  const auto nets = static_cast<std::size_t>(array.net_count);
  // The edge registers' share of each net: the array's price less what the PE replay prices
  // of it on every PE port the net is bound to.
  std::vector<double> share(nets, 0);
  for (std::size_t net = 2; net < nets; ++net) {
    share[net] = MeanTransitionFj(table, static_cast<int>(net));
  }
  for (const auto& [instance, ports] : array.submodule_ports) {
    if (instance.find("u_pe") == std::string::npos) {
      continue;
    }
    for (const GateNetlist::Port& port : pe.netlist().ports) {
      const std::vector<int>& bound = ports.at(port.name);
      for (std::size_t bit = 0; bit < port.nets.size() && bit < bound.size(); ++bit) {
        if (bound[bit] > 1 && port.nets[bit] > 1) {
          share[static_cast<std::size_t>(bound[bit])] -=
              MeanTransitionFj(pe.table(), port.nets[bit]);
        }
      }
    }
  }

  // The nets the edge registers own: their flip-flops' outputs, and their data inputs (one
  // from another edge flip-flop is that one's output; one from a port or a PE is theirs
  // alone).
  int flops = 0;
  std::vector<bool> owned(nets, false);
  for (const GateNetlist::Instance& instance : array.instances) {
    if (!instance.cell->flip_flop || InsidePe(instance.name)) {
      continue;
    }
    ++flops;
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      const LibertyPin& pin = instance.cell->pins[p];
      const auto net = static_cast<std::size_t>(instance.pin_nets[p]);
      if (pin.is_output || IsDataPin(*instance.cell, pin.name)) {
        owned[net] = true;
      }
    }
  }
  double sum = 0;
  for (std::size_t net = 2; net < nets; ++net) {
    sum += owned[net] ? share[net] : 0.0;
  }
  // An edge flip-flop's clock: what one flip-flop adds to the free-running clock (the PEs'
  // may sit behind clock gates).
  return {flops == 0 ? 0.0 : sum / flops, table.free_clock_flop_fj(), GatesIdleColumns(array)};
}

EdgeFlipFlopEnergy MeasureEdgeFlipFlops(const MappedDesign& design, const Library& library,
                                        const GateEnergyOptions& options) {
  const GateNetlist array = ReadGateNetlist(design.netlist_json, "ws_array", library);
  const GateNetlist pe_netlist = ReadGateNetlist(design.netlist_json, "ws_pe_gates", library);
  const NetEnergyTable table(array, library, options);
  const GatePe pe(pe_netlist, library, options, 1);
  return MeasureEdgeFlipFlops(array, table, pe);
}

std::uint64_t EdgeFlipFlopCount(tb::ArrayShape shape, bool idle_column_gating) {
  const auto rows = static_cast<std::uint64_t>(shape.rows);
  const auto cols = static_cast<std::uint64_t>(shape.cols);
  // Row r's skew holds r + 1 activation stages and one stage of the shared valid chain;
  // column c's de-skew holds cols - 1 - c partial sums; the load path is a row of weights and
  // its valid; idle-column gating adds the column enables and the output valid's line.
  const std::uint64_t skew = rows * (rows + 1) / 2 * tb::kActivationBits + rows;
  const std::uint64_t deskew = cols * (cols - 1) / 2 * tb::kPsumBits;
  const std::uint64_t load = cols * tb::kWeightBits + 1;
  return skew + deskew + load + (idle_column_gating ? 2 * cols : 0);
}

EdgeEnergy EstimateEdgeEnergy(const tb::ToggleCounts& toggles, const EdgeFlipFlopEnergy& flops) {
  const tb::ArrayShape shape{toggles.rows, toggles.cols};
  return {static_cast<double>(toggles.Total(tb::EdgeSignal::kInputSkew)) * flops.transition_fj,
          static_cast<double>(toggles.Total(tb::EdgeSignal::kOutputDeskew)) * flops.transition_fj,
          static_cast<double>(toggles.Total(tb::EdgeSignal::kLoadPath)) * flops.transition_fj,
          static_cast<double>(toggles.cycles) *
              static_cast<double>(EdgeFlipFlopCount(shape, flops.idle_column_gating)) *
              flops.clock_fj};
}

}  // namespace powersel::power
