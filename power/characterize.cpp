#include "powersel/power/characterize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>

#include "characterize_stimuli.hpp"
#include "powersel/common/parallel.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::power {

namespace {

constexpr int kWeights = 256;
constexpr int kWeightGroups = kWeights / GatePe::kLanes;
constexpr int kResetCycles = 2;
// Cycles of each stream run before measuring, so the registers hold stream data.
constexpr int kWarmupCycles = 64;
constexpr int kTopNets = 12;

int LaneWeight(int group, int lane) {
  return -128 + group * GatePe::kLanes + lane;
}

struct TaskResult {
  std::vector<double> lane_fj;  // per cycle
  std::vector<double> category_fj;
  std::map<int, double> net_fj;
};

TaskResult MeasureGroup(const GateNetlist& netlist, const Library& library,
                        const CharacterizeSpec& spec, const NetlistDelays* delays, int group,
                        const std::vector<tb::PeInputs>& stream) {
  GatePe gates(netlist, library, spec.energy, GatePe::kLanes, delays);
  std::vector<tb::PeInputs> lanes(GatePe::kLanes);
  auto step_all = [&](const tb::PeInputs& shared) {
    std::fill(lanes.begin(), lanes.end(), shared);
    gates.Step(lanes);
  };
  tb::PeInputs reset;
  reset.rst_n = false;
  for (int cycle = 0; cycle < kResetCycles; ++cycle) {
    step_all(reset);
  }
  // One shift loads each lane's own weight into its PE.
  for (int lane = 0; lane < GatePe::kLanes; ++lane) {
    lanes[static_cast<std::size_t>(lane)] = tb::PeInputs{};
    lanes[static_cast<std::size_t>(lane)].shift = true;
    lanes[static_cast<std::size_t>(lane)].weight =
        static_cast<std::int8_t>(LaneWeight(group, lane));
  }
  gates.Step(lanes);
  for (int cycle = 0; cycle < kWarmupCycles; ++cycle) {
    step_all(stream[static_cast<std::size_t>(cycle)]);
  }
  gates.meter().Clear();
  for (std::size_t cycle = kWarmupCycles; cycle < stream.size(); ++cycle) {
    step_all(stream[cycle]);
  }
  TaskResult result;
  const double cycles = static_cast<double>(gates.meter().cycles());
  for (const double energy : gates.meter().lane_energy_fj()) {
    result.lane_fj.push_back(energy / cycles);
  }
  result.category_fj = gates.meter().CategoryEnergyFj();
  for (int net = 2; net < netlist.net_count; ++net) {
    if (const double energy = gates.meter().NetEnergyFj(net); energy > 0) {
      result.net_fj[net] = energy;
    }
  }
  return result;
}

// A clock-gated PE holds its activation and partial sum outside valid cycles, where the plain
// PE takes whatever comes: there only what the array reads counts (the valid bit, the weight
// chain, and the data where valid).
bool Equivalent(const tb::PeOutputs& gates, const tb::PeOutputs& rtl, const PeFeatures& pe) {
  if (!pe.clock_gating) {
    return gates == rtl;
  }
  return gates.act_valid == rtl.act_valid && gates.weight == rtl.weight &&
         (!rtl.act_valid || (gates.act == rtl.act && gates.psum == rtl.psum));
}

std::uint64_t CheckEquivalence(const GateNetlist& netlist, const Library& library,
                               const CharacterizeSpec& spec, const NetlistDelays* delays,
                               std::uint64_t& pe_cycles) {
  GatePe gates(netlist, library, spec.energy, GatePe::kLanes, delays);
  std::vector<std::unique_ptr<tb::PeModel>> rtl;
  for (int lane = 0; lane < GatePe::kLanes; ++lane) {
    rtl.push_back(tb::PeModel::MakeRtl());
  }
  std::mt19937_64 rng(spec.seed);
  std::vector<tb::PeInputs> inputs(GatePe::kLanes);
  const std::uint64_t checked =
      delays == nullptr ? spec.equivalence_pe_cycles
                        : spec.equivalence_pe_cycles / CharacterizeSpec::kTimedEquivalenceShare;
  const std::uint64_t steps = (checked + GatePe::kLanes - 1) / GatePe::kLanes;
  std::uint64_t mismatches = 0;
  for (std::uint64_t step = 0; step < steps; ++step) {
    for (tb::PeInputs& in : inputs) {
      in.act = static_cast<std::uint8_t>(rng());
      in.act_valid = (rng() & 3) != 0;
      in.psum =
          static_cast<std::int32_t>(rng() % (1U << tb::kPsumBits)) - (1 << (tb::kPsumBits - 1));
      in.weight = static_cast<std::int8_t>(rng());
      in.shift = rng() % 8 == 0;
      in.rst_n = rng() % 64 != 0;
    }
    gates.Step(inputs);
    for (int lane = 0; lane < GatePe::kLanes; ++lane) {
      const tb::PeOutputs expected =
          rtl[static_cast<std::size_t>(lane)]->Step(inputs[static_cast<std::size_t>(lane)]);
      mismatches += Equivalent(gates.Outputs(lane), expected, spec.pe) ? 0 : 1;
    }
  }
  pe_cycles = steps * GatePe::kLanes;
  return mismatches;
}

// More flipped top bits of the partial sum flip more of the adder's and the register's
// sign-extension region, so energy rises with their Hamming distance. All weights see the
// same stream of each class, so averaging over weights leaves that stream's sampling noise:
// one step (about 450 fJ, 1.6 % of a PE cycle) rises in every run of 2,000 cycles seen, but a
// 400-cycle run can invert one. The check therefore compares distances two apart (about
// 900 fJ, resolved even in 100 cycles) and reports the single steps.
void AddMsbDistanceCheck(CharacterizeResult& result) {
  std::vector<const Stimulus*> classes;  // distance 0, 1, ... (StimulusClasses order)
  for (const Stimulus& stimulus : result.stimuli) {
    if (stimulus.psum_msb_distance >= 0) {
      classes.push_back(&stimulus);
    }
  }
  std::vector<double> means(classes.size(), 0);
  int rising_weights = 0;
  for (int w = -128; w < 128; ++w) {
    bool rising = true;
    for (std::size_t d = 0; d < classes.size(); ++d) {
      means[d] += result.Energy(w, classes[d]->name) / kWeights;
      rising = rising && (d == 0 || result.Energy(w, classes[d]->name) >
                                        result.Energy(w, classes[d - 1]->name));
    }
    rising_weights += rising ? 1 : 0;
  }
  bool rising_by_two = means.size() > 2;
  int rising_steps = 0;
  std::string values;
  for (std::size_t d = 0; d < means.size(); ++d) {
    rising_by_two = rising_by_two && (d < 2 || means[d] > means[d - 2]);
    rising_steps += d > 0 && means[d] > means[d - 1] ? 1 : 0;
    values += fmt::format("{}{:.1f}", d == 0 ? "" : ", ", means[d]);
  }
  result.checks.push_back(
      {"energy rises with the partial sum's MSB Hamming distance (mean over weights, two "
       "apart)",
       rising_by_two,
       fmt::format("mean {} fJ at distance 0..{}; {} of {} single steps rise, every step for "
                   "{} of 256 weights",
                   values, means.size() - 1, rising_steps, means.size() - 1, rising_weights)});
}

void AddSanityChecks(CharacterizeResult& result) {
  for (const char* stimulus : {"uniform", "conv"}) {
    int cheapest = 0;
    for (int w = -128; w < 128; ++w) {
      cheapest = result.Energy(w, stimulus) < result.Energy(cheapest, stimulus) ? w : cheapest;
    }
    result.checks.push_back(
        {fmt::format("weight 0 is the cheapest ({})", stimulus), cheapest == 0,
         fmt::format("E(0) = {:.1f} fJ, cheapest weight {} at {:.1f} fJ",
                     result.Energy(0, stimulus), cheapest, result.Energy(cheapest, stimulus))});
    const double e64 = result.Energy(64, stimulus);
    const double e85 = result.Energy(85, stimulus);
    const double e127 = result.Energy(127, stimulus);
    result.checks.push_back(
        {fmt::format("a power of two (64) costs less than dense weights 85 and 127 ({})", stimulus),
         e64 < e85 && e64 < e127,
         fmt::format("E(64) = {:.1f}, E(85) = {:.1f}, E(127) = {:.1f} fJ", e64, e85, e127)});
  }
  int flips_dearer = 0;
  double flip_sum = 0;
  double same_sum = 0;
  for (int w = -128; w < 128; ++w) {
    const double flip = result.Energy(w, "psum_sign_flip");
    const double same = result.Energy(w, "psum_same_sign");
    flips_dearer += flip > same ? 1 : 0;
    flip_sum += flip;
    same_sum += same;
  }
  result.checks.push_back(
      {"partial-sum sign flips cost more than same-sign transitions (every weight)",
       flips_dearer == kWeights,
       fmt::format("mean {:.1f} fJ with sign flips, {:.1f} fJ without; dearer for {} of 256 "
                   "weights",
                   flip_sum / kWeights, same_sum / kWeights, flips_dearer)});
  AddMsbDistanceCheck(result);
}

}  // namespace

namespace {

// Rows are stimulus-major, each stimulus holding weights -128..127 in order.
std::size_t RowIndex(const CharacterizeResult& result, int weight, const std::string& stimulus) {
  for (std::size_t s = 0; s < result.stimuli.size(); ++s) {
    const std::size_t index = s * kWeights + static_cast<std::size_t>(weight + 128);
    if (result.stimuli[s].name == stimulus && weight >= -128 && weight < 128 &&
        index < result.rows.size()) {
      return index;
    }
  }
  throw std::out_of_range("no characterisation of weight " + std::to_string(weight) + " under " +
                          stimulus);
}

}  // namespace

double CharacterizeResult::Energy(int weight, const std::string& stimulus) const {
  return rows[RowIndex(*this, weight, stimulus)].energy_fj;
}

double CharacterizeResult::ZeroDelayEnergy(int weight, const std::string& stimulus) const {
  const std::size_t index = RowIndex(*this, weight, stimulus);
  return zero_delay_fj.empty() ? rows[index].energy_fj : zero_delay_fj.at(index);
}

bool CharacterizeResult::passed() const {
  return equivalence_mismatches == 0 &&
         std::all_of(checks.begin(), checks.end(), [](const SanityCheck& c) { return c.passed; });
}

CharacterizeResult Characterize(const CharacterizeSpec& spec, const MappedDesign& design,
                                const std::vector<Matrix<std::uint8_t>>& images) {
  const auto start = std::chrono::steady_clock::now();
  const Library library = ReadLiberty(spec.liberty);
  const GateNetlist netlist = ReadGateNetlist(design.netlist_json, "ws_pe_gates", library);
  std::optional<NetlistDelays> delays;
  if (spec.measurement == Measurement::kTimed) {
    delays = StaticPeDelays(design, spec.liberty, netlist, library, spec.energy);
  }
  CharacterizeResult result;
  result.measurement = spec.measurement;
  result.liberty = spec.liberty;
  result.voltage_v = library.nominal_voltage_v;
  result.pe_cells = static_cast<int>(netlist.instances.size());
  result.pe_flip_flops = netlist.FlipFlopCount();
  for (const GateNetlist::Instance& instance : netlist.instances) {
    result.pe_area += instance.cell->area;
  }
  result.clock_fj_per_cycle = NetEnergyTable(netlist, library, spec.energy).clock_fj_per_cycle();
  result.stimuli = detail::StimulusClasses(spec.msb_bits);

  // Tasks [0, tasks) measure as asked; a timed characterisation adds the same tasks again
  // zero-delay, for the glitch share (the slow timed ones first, for the load balance).
  const std::size_t tasks = result.stimuli.size() * kWeightGroups;
  std::vector<TaskResult> measured(delays ? 2 * tasks : tasks);
  ParallelFor(measured.size(), spec.threads, [&](std::size_t task) {
    const Stimulus& stimulus = result.stimuli[(task % tasks) / kWeightGroups];
    const auto stream = detail::MakeStimulus(stimulus, spec.cycles + kWarmupCycles, spec.msb_bits,
                                             spec.seed, images);
    measured[task] =
        MeasureGroup(netlist, library, spec, task < tasks && delays ? &*delays : nullptr,
                     static_cast<int>(task % kWeightGroups), stream);
  });

  std::vector<double> categories(measured.front().category_fj.size(), 0);
  std::map<int, double> nets;
  for (std::size_t task = 0; task < tasks; ++task) {
    const Stimulus& stimulus = result.stimuli[task / kWeightGroups];
    const int group = static_cast<int>(task % kWeightGroups);
    for (int lane = 0; lane < GatePe::kLanes; ++lane) {
      result.rows.push_back({LaneWeight(group, lane), stimulus,
                             static_cast<std::uint64_t>(spec.cycles),
                             measured[task].lane_fj[static_cast<std::size_t>(lane)]});
      if (delays) {
        result.zero_delay_fj.push_back(
            measured[tasks + task].lane_fj[static_cast<std::size_t>(lane)]);
      }
    }
    if (stimulus.name == "uniform") {
      for (std::size_t i = 0; i < categories.size(); ++i) {
        categories[i] += measured[task].category_fj[i];
      }
      for (const auto& [net, energy] : measured[task].net_fj) {
        nets[net] += energy;
      }
    }
  }
  const double pe_cycles = static_cast<double>(kWeights) * spec.cycles;
  const NetEnergyTable table(netlist, library, spec.energy);
  for (std::size_t i = 0; i < categories.size(); ++i) {
    if (categories[i] > 0) {
      result.category_fj.emplace_back(table.categories()[i], categories[i] / pe_cycles);
    }
  }
  std::sort(result.category_fj.begin(), result.category_fj.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::pair<int, double>> ranked(nets.begin(), nets.end());
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  for (std::size_t i = 0; i < ranked.size() && i < kTopNets; ++i) {
    result.top_nets_fj.emplace_back(netlist.net_names[static_cast<std::size_t>(ranked[i].first)],
                                    ranked[i].second / pe_cycles);
  }
  result.equivalence_mismatches = CheckEquivalence(
      netlist, library, spec, delays ? &*delays : nullptr, result.equivalence_pe_cycles);
  AddSanityChecks(result);
  if (delays) {
    for (const char* stimulus : {"uniform", "conv"}) {
      result.comparisons.push_back(CompareMeasurements(result, stimulus));
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace powersel::power
