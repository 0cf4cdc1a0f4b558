// The weight-load classes of the MAC table. While weights shift, the multiplier sees the
// weight register change under a held activation; in the array that activation is zero (the
// stream before has drained), and what the PE then spends depends on the register's old and
// new value, not only on how many bits change: so every (before, after) pair is measured, in
// a sequence that holds each pair exactly once (a de Bruijn sequence), cut into one piece per
// lane.
#include "load_characterization.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "powersel/model/transition_classes.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::model::detail {

namespace {

constexpr int kResetCycles = 2;
constexpr int kWeightValues = 256;
constexpr int kPairPasses = kLoadTasks - 1;
// The nonzero-activation stimulus: cycles, and how often the (held) activation changes.
constexpr int kNonzeroCycles = 4000;
constexpr int kActivationRun = 16;

// A cyclic sequence over 0..k-1 in which every ordered pair of symbols follows each other
// exactly once: the Lyndon words of length 1 and 2 in lexicographic order (a, then a b for
// every b > a), which is the lexicographically least de Bruijn sequence of order 2.
std::vector<std::uint8_t> DeBruijnPairs(int k) {
  std::vector<std::uint8_t> sequence;
  for (int a = 0; a < k; ++a) {
    sequence.push_back(static_cast<std::uint8_t>(a));
    for (int b = a + 1; b < k; ++b) {
      sequence.push_back(static_cast<std::uint8_t>(a));
      sequence.push_back(static_cast<std::uint8_t>(b));
    }
  }
  return sequence;
}

// Every lane shifts a new weight in every cycle, its piece of the sequence (relabelled by a
// random permutation, so that each pass sees the pairs in other surroundings), the
// activation and partial sum at zero. The register's transition at edge s is the piece's
// pair (s - 2, s - 1): that edge's register energy and the logic settling after it go to
// it. The shift path (weight_i and what it drives up to the register) settles one cycle
// earlier, as each weight enters: its energy at step s goes to the pair (s - 1, s), so that
// the next weight's entry, which a real load makes in other surroundings, costs this pair
// nothing.
std::vector<double> MeasurePairPass(power::GatePe& pe, std::uint64_t seed) {
  enum NetGroup : std::uint8_t { kLogic, kRegister, kShiftPath };
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> label(kWeightValues);
  std::iota(label.begin(), label.end(), std::uint8_t{0});
  std::shuffle(label.begin(), label.end(), rng);
  const std::vector<std::uint8_t> sequence = DeBruijnPairs(kWeightValues);
  const int lanes = power::GatePe::kLanes;
  const int piece = static_cast<int>(sequence.size()) / lanes;
  auto weight = [&](int lane, int step) {
    const auto at =
        static_cast<std::size_t>(lane * piece + std::min(step, piece)) % sequence.size();
    return static_cast<std::int8_t>(label[sequence[at]]);
  };
  auto pair = [&](int lane, int first_step) {
    return static_cast<std::size_t>(
        TransitionClasses::LoadClass(0, weight(lane, first_step), weight(lane, first_step + 1)));
  };

  const power::GateNetlist& netlist = pe.netlist();
  std::vector<std::uint8_t> groups = netlist.CombinationalFanOut(netlist.FindPort("weight_i").nets);
  const std::vector<std::uint8_t> registers = netlist.RegisterNets();
  for (std::size_t net = 0; net < groups.size(); ++net) {
    groups[net] = registers[net] != 0 ? kRegister : groups[net] != 0 ? kShiftPath : kLogic;
  }
  ResetLanes(pe, 0);
  pe.meter().TrackCycles(true, std::move(groups));
  std::vector<double> energy(TransitionClasses::kLoadPairs, 0);
  std::vector<int> samples(TransitionClasses::kLoadPairs, 0);
  std::vector<tb::PeInputs> inputs(static_cast<std::size_t>(lanes));
  for (int step = 0; step <= piece + 1; ++step) {
    for (int lane = 0; lane < lanes; ++lane) {
      tb::PeInputs& in = inputs[static_cast<std::size_t>(lane)];
      in.shift = true;
      in.weight = weight(lane, step);
    }
    pe.Step(inputs);
    for (int lane = 0; lane < lanes; ++lane) {
      const auto at = static_cast<std::size_t>(lane);
      if (step >= 1 && step <= piece) {
        energy[pair(lane, step - 1)] += pe.meter().last_cycle_fj(kShiftPath)[at];
      }
      if (step >= 2) {
        energy[pair(lane, step - 2)] +=
            pe.meter().last_cycle_fj(kLogic)[at] + pe.meter().last_cycle_fj(kRegister)[at];
        ++samples[pair(lane, step - 2)];
      }
    }
  }
  for (std::size_t p = 0; p < energy.size(); ++p) {
    if (samples[p] != 1) {
      throw std::logic_error("load characterisation: a pair was not measured exactly once");
    }
  }
  return energy;
}

// The activation held at nonzero values (changing every kActivationRun cycles) with moving
// partial sums, the entering weight a uniformly drawn Hamming distance from the last, so every
// distance gets its share. A cycle's class is its register transition (which took the
// previous cycle's weight at this edge); its logic energy goes to it, its registers' to the
// cycle before (as for the streaming pairs). The mean over the lanes, which all shift alike.
std::vector<double> MeasureNonzeroActivation(power::GatePe& pe, std::uint64_t seed) {
  constexpr int kDistances = tb::kWeightBits + 1;
  std::mt19937_64 rng(seed);
  ResetLanes(pe, 0);
  pe.meter().TrackCycles(true, pe.netlist().RegisterNets());
  std::vector<tb::PeInputs> lanes(power::GatePe::kLanes);
  tb::PeInputs in;
  in.shift = true;
  std::int8_t weight_register = 0;
  int previous_distance = 0;
  std::vector<double> sum(kDistances, 0);
  std::vector<int> cycles(kDistances, 0);
  for (int cycle = 0; cycle < kNonzeroCycles; ++cycle) {
    const tb::PeInputs previous = in;
    if (cycle % kActivationRun == 0) {
      in.act = static_cast<std::uint8_t>(1 + rng() % 255);
      in.psum = tb::WrapPsum(static_cast<std::int32_t>(rng()));
    }
    const int flips = std::uniform_int_distribution<int>(0, tb::kWeightBits)(rng);
    in.weight = static_cast<std::int8_t>(
        FlipBits(static_cast<std::uint8_t>(in.weight), 0, tb::kWeightBits, flips, rng));
    std::fill(lanes.begin(), lanes.end(), in);
    pe.Step(lanes);
    const int distance = TransitionClasses::LoadClass(in.act, weight_register, previous.weight) -
                         TransitionClasses::kLoadPairs;
    weight_register = previous.weight;
    if (cycle >= kWarmupCycles) {
      for (const double energy : pe.meter().last_cycle_fj()) {
        sum[static_cast<std::size_t>(distance)] += energy / power::GatePe::kLanes;
      }
      ++cycles[static_cast<std::size_t>(distance)];
      for (const double energy : pe.meter().last_cycle_register_fj()) {
        sum[static_cast<std::size_t>(previous_distance)] += energy / power::GatePe::kLanes;
      }
    }
    previous_distance = distance;
  }
  for (int d = 0; d < kDistances; ++d) {
    sum[static_cast<std::size_t>(d)] /= std::max(1, cycles[static_cast<std::size_t>(d)]);
  }
  return sum;
}

}  // namespace

void ResetLanes(power::GatePe& pe, int first_weight) {
  std::vector<tb::PeInputs> lanes(power::GatePe::kLanes);
  for (tb::PeInputs& in : lanes) {
    in.rst_n = false;
  }
  for (int cycle = 0; cycle < kResetCycles; ++cycle) {
    pe.Step(lanes);
  }
  for (int lane = 0; lane < power::GatePe::kLanes; ++lane) {
    lanes[static_cast<std::size_t>(lane)] = tb::PeInputs{};
    lanes[static_cast<std::size_t>(lane)].shift = true;
    lanes[static_cast<std::size_t>(lane)].weight = static_cast<std::int8_t>(first_weight + lane);
  }
  pe.Step(lanes);
}

std::uint32_t FlipBits(std::uint32_t value, int first, int width, int count, std::mt19937_64& rng) {
  std::vector<int> bits(static_cast<std::size_t>(width));
  std::iota(bits.begin(), bits.end(), first);
  std::shuffle(bits.begin(), bits.end(), rng);
  for (int b = 0; b < count; ++b) {
    value ^= 1U << bits[static_cast<std::size_t>(b)];
  }
  return value;
}

std::vector<double> MeasureLoadTask(power::GatePe& pe, int task, std::uint64_t seed) {
  return task < kPairPasses ? MeasurePairPass(pe, seed + static_cast<std::uint64_t>(task))
                            : MeasureNonzeroActivation(pe, seed + static_cast<std::uint64_t>(task));
}

std::vector<double> LoadTable(const std::vector<std::vector<double>>& results) {
  std::vector<double> table(TransitionClasses::kLoadPairs, 0);
  for (int pass = 0; pass < kPairPasses; ++pass) {
    for (std::size_t pair = 0; pair < table.size(); ++pair) {
      table[pair] += results[static_cast<std::size_t>(pass)][pair] / kPairPasses;
    }
  }
  table.insert(table.end(), results.back().begin(), results.back().end());
  return table;
}

}  // namespace powersel::model::detail
