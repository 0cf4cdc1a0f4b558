#include "powersel/model/energy_model.hpp"

#include <stdexcept>

namespace powersel::model {

namespace {

void CheckPes(const PeActivity& activity, const PeWeights& pes) {
  const auto count = static_cast<std::size_t>(activity.shape().rows * activity.shape().cols);
  if (pes.weights.size() != count || pes.used.size() != count) {
    throw std::invalid_argument("energy model: one weight and one used flag per PE");
  }
}

// Sums per-PE datapath energies into the three scopes.
template <typename PeDatapath>
ScopedEnergy Sum(const MacTable& table, const PeActivity& activity, const PeWeights& pes,
                 const power::EdgeFlipFlopEnergy& edge, PeDatapath datapath_of) {
  CheckPes(activity, pes);
  ScopedEnergy energy;
  for (std::size_t pe = 0; pe < pes.weights.size(); ++pe) {
    const int index = static_cast<int>(pe);
    const double clock = table.clock().Energy(static_cast<double>(activity.cycles()),
                                              static_cast<double>(activity.ShiftCycles()),
                                              static_cast<double>(activity.ValidCycles(index)));
    double datapath = datapath_of(index, pes.weights[pe]);
    for (const PeActivity::LoadCount& load : activity.Loads(index)) {
      datapath += table.load_cycle_fj(load.load_class) * static_cast<double>(load.cycles);
    }
    if (pes.used[pe] != 0) {
      energy.datapath += datapath;
      energy.pe += datapath + clock;
    }
    energy.array += datapath + clock;
  }
  energy.array += power::EstimateEdgeEnergy(activity.edge_toggles(), edge).total_fj();
  return energy;
}

}  // namespace

ScopedEnergy PredictRun(const MacTable& table, const PeActivity& activity, const PeWeights& pes,
                        const power::EdgeFlipFlopEnergy& edge) {
  const int groups = table.classes().psum_groups();
  return Sum(table, activity, pes, edge, [&](int pe, std::int8_t weight) {
    double energy = 0;
    if (activity.sealed()) {
      for (const PeActivity::PairCount& seen : activity.SeenPairs(pe)) {
        energy += static_cast<double>(seen.cycles) * table.DatapathPair(weight, seen.pair);
      }
      return energy;
    }
    for (int pair = 0; pair < activity.pairs(); ++pair) {
      if (const std::uint64_t cycles = activity.PairCycles(pe, pair); cycles != 0) {
        energy +=
            static_cast<double>(cycles) * table.Datapath(weight, pair / groups, pair % groups);
      }
    }
    return energy;
  });
}

void AddPairCycles(const PeActivity& activity, std::span<const std::uint8_t> used,
                   std::vector<double>& pair_cycles) {
  pair_cycles.resize(static_cast<std::size_t>(activity.pairs()), 0);
  const int pes = activity.shape().rows * activity.shape().cols;
  for (int pe = 0; pe < pes; ++pe) {
    if (!used.empty() && used[static_cast<std::size_t>(pe)] == 0) {
      continue;
    }
    for (int pair = 0; pair < activity.pairs(); ++pair) {
      pair_cycles[static_cast<std::size_t>(pair)] +=
          static_cast<double>(activity.PairCycles(pe, pair));
    }
  }
}

std::vector<double> WeightEnergy(const MacTable& table, const std::vector<double>& pair_cycles) {
  const int groups = table.classes().psum_groups();
  double total = 0;
  for (const double cycles : pair_cycles) {
    total += cycles;
  }
  std::vector<double> energy(256, 0);
  for (int weight = -128; weight < 128 && total > 0; ++weight) {
    for (std::size_t pair = 0; pair < pair_cycles.size(); ++pair) {
      const int p = static_cast<int>(pair);
      energy[static_cast<std::size_t>(weight + 128)] +=
          pair_cycles[pair] / total * table.Datapath(weight, p / groups, p % groups);
    }
  }
  return energy;
}

ScopedEnergy PredictRunAgnostic(const MacTable& table, const std::vector<double>& weight_energy,
                                const PeActivity& activity, const PeWeights& pes,
                                const power::EdgeFlipFlopEnergy& edge) {
  return Sum(table, activity, pes, edge, [&](int pe, std::int8_t weight) {
    const auto streaming = static_cast<double>(activity.cycles() - activity.LoadCycles(pe));
    return streaming * weight_energy[static_cast<std::size_t>(weight + 128)];
  });
}

}  // namespace powersel::model
