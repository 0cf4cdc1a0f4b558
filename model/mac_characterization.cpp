// Measuring the MAC energy table: one random stream per weight group whose cycles cover every
// (activation class, partial-sum group) pair evenly; the gate-level PE runs it for 64 weights
// at once and each cycle's energy goes to the pair its transition belongs to.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>

#include "powersel/common/files.hpp"
#include "powersel/common/parallel.hpp"
#include "powersel/model/mac_table.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::model {

namespace {

constexpr int kWeightGroups = 256 / power::GatePe::kLanes;
constexpr int kResetCycles = 2;
// Cycles of the stream run before measuring, so that the registers hold stream values.
constexpr int kWarmupCycles = 16;
// Weight-load stimulus: cycles, and how often the (held) activation changes meanwhile.
constexpr int kLoadCycles = 2000;
constexpr int kLoadActivationRun = 16;

struct ClassedStream {
  std::vector<tb::PeInputs> inputs;
  std::vector<int> pair;  // per cycle: activation class * psum groups + psum group, -1 warm-up
};

// An activation in class `target` from `previous` (feasible: see Feasible()).
std::uint8_t DrawActivation(const TransitionClasses& classes, std::uint8_t previous, int target,
                            std::mt19937_64& rng) {
  std::uniform_int_distribution<int> any(1, 255);
  std::uniform_int_distribution<int> bit(0, tb::kActivationBits - 1);
  for (;;) {
    std::uint8_t candidate = previous;
    if (target == 1) {
      candidate = static_cast<std::uint8_t>(any(rng));
    } else if (target == 2) {
      candidate = 0;
    } else if (target > 2) {
      // Flip a random number of random bits; keep the first that lands in the class.
      const int flips = std::uniform_int_distribution<int>(1, tb::kActivationBits)(rng);
      for (int f = 0; f < flips; ++f) {
        candidate = static_cast<std::uint8_t>(candidate ^ (1U << bit(rng)));
      }
    }
    if (classes.ActivationClass(previous, candidate) == target) {
      return candidate;
    }
  }
}

std::int32_t DrawPsum(const TransitionClasses& classes, std::int32_t previous, int target,
                      std::mt19937_64& rng) {
  const int msb_bits = classes.spec().msb_bits;
  const int low_bits = tb::kPsumBits - msb_bits;
  std::uniform_int_distribution<int> top_bit(0, msb_bits - 1);
  std::uniform_int_distribution<std::uint32_t> low(0, (1U << low_bits) - 1);
  for (;;) {
    std::uint32_t value = static_cast<std::uint32_t>(previous);
    const int flips = std::uniform_int_distribution<int>(0, msb_bits)(rng);
    for (int f = 0; f < flips; ++f) {
      value ^= 1U << (low_bits + top_bit(rng));
    }
    value = (value & ~((1U << low_bits) - 1)) | low(rng);
    const std::int32_t candidate = tb::WrapPsum(static_cast<std::int32_t>(value));
    if (classes.PsumGroup(previous, candidate) == target) {
      return candidate;
    }
  }
}

// Each cycle takes the least-sampled pair the previous activation allows (a rise needs a zero
// before it, a fall or a bit flip a nonzero one), until every pair has `per_pair` cycles.
ClassedStream MakeClassedStream(const TransitionClasses& classes, int per_pair,
                                std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int groups = classes.psum_groups();
  const int pairs = classes.activation_classes() * groups;
  std::vector<int> samples(static_cast<std::size_t>(pairs), 0);
  ClassedStream stream;
  tb::PeInputs previous;
  previous.act_valid = true;
  for (int cycle = 0; cycle < kWarmupCycles; ++cycle) {
    previous.act = static_cast<std::uint8_t>(rng());
    previous.psum = tb::WrapPsum(static_cast<std::int32_t>(rng()));
    stream.inputs.push_back(previous);
    stream.pair.push_back(-1);
  }
  auto feasible = [&](int activation_class) {
    return previous.act == 0 ? activation_class <= 1 : activation_class != 1;
  };
  for (;;) {
    int best = -1;
    for (int pair = 0; pair < pairs; ++pair) {
      if (feasible(pair / groups) && (best < 0 || samples[static_cast<std::size_t>(pair)] <
                                                      samples[static_cast<std::size_t>(best)])) {
        best = pair;
      }
    }
    if (samples[static_cast<std::size_t>(best)] >= per_pair &&
        std::all_of(samples.begin(), samples.end(), [&](int n) { return n >= per_pair; })) {
      return stream;
    }
    tb::PeInputs next = previous;
    next.act = DrawActivation(classes, previous.act, best / groups, rng);
    next.psum = DrawPsum(classes, previous.psum, best % groups, rng);
    stream.inputs.push_back(next);
    stream.pair.push_back(best);
    ++samples[static_cast<std::size_t>(best)];
    previous = next;
  }
}

void StartGroup(power::GatePe& pe, int group) {
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
    lanes[static_cast<std::size_t>(lane)].weight =
        static_cast<std::int8_t>(-128 + group * power::GatePe::kLanes + lane);
  }
  pe.Step(lanes);
}

// Sum of each lane's energy per pair, and the cycles per pair.
struct GroupSums {
  std::vector<double> energy;  // [lane][pair]
  std::vector<int> cycles;     // [pair]
};

GroupSums MeasureGroup(power::GatePe& pe, const ClassedStream& stream, int pairs, int group) {
  StartGroup(pe, group);
  pe.meter().TrackCycles(true);
  GroupSums sums{std::vector<double>(static_cast<std::size_t>(power::GatePe::kLanes * pairs), 0),
                 std::vector<int>(static_cast<std::size_t>(pairs), 0)};
  std::vector<tb::PeInputs> lanes(power::GatePe::kLanes);
  for (std::size_t cycle = 0; cycle < stream.inputs.size(); ++cycle) {
    std::fill(lanes.begin(), lanes.end(), stream.inputs[cycle]);
    pe.Step(lanes);
    const int pair = stream.pair[cycle];
    if (pair < 0) {
      continue;
    }
    ++sums.cycles[static_cast<std::size_t>(pair)];
    const std::span<const double> energy = pe.meter().last_cycle_fj();
    for (int lane = 0; lane < power::GatePe::kLanes; ++lane) {
      sums.energy[static_cast<std::size_t>(lane * pairs + pair)] +=
          energy[static_cast<std::size_t>(lane)];
    }
  }
  return sums;
}

// Weights shifting through the PE every cycle (the array's weight load), activation held.
double MeasureLoadCycles(power::GatePe& pe, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  StartGroup(pe, 0);
  pe.meter().Clear();
  std::vector<tb::PeInputs> lanes(power::GatePe::kLanes);
  tb::PeInputs in;
  for (int cycle = 0; cycle < kLoadCycles; ++cycle) {
    if (cycle % kLoadActivationRun == 0) {
      in.act = static_cast<std::uint8_t>(rng());
      in.psum = tb::WrapPsum(static_cast<std::int32_t>(rng()));
    }
    for (tb::PeInputs& lane : lanes) {
      lane = in;
      lane.shift = true;
      lane.weight = static_cast<std::int8_t>(rng());
    }
    pe.Step(lanes);
  }
  double total = 0;
  for (const double energy : pe.meter().lane_energy_fj()) {
    total += energy;
  }
  const double cycles = static_cast<double>(pe.meter().cycles()) * power::GatePe::kLanes;
  return total / cycles - pe.table().clock_fj_per_cycle();
}

std::string CacheKey(const MacTableSpec& spec, const power::MappedDesign& design) {
  std::uint64_t hash = Fnv1a(ReadFileText(spec.liberty, "liberty"));
  hash = Fnv1a(ReadFileText(design.netlist_json, "netlist"), hash);
  const GroupingSpec& g = spec.grouping;
  hash = Fnv1a(
      fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", power::MeasurementName(spec.measurement),
                  g.msb_bits, fmt::join(g.psum_edges, ","), fmt::join(g.activation_edges, ","),
                  spec.cycles_per_class, spec.seed, spec.energy.input_slew_ns,
                  spec.energy.wire_base_pf, spec.energy.wire_per_fanout_pf, kLoadCycles),
      hash);
  return fmt::format("mac_table.{:016x}.json", hash);
}

}  // namespace

MacTable CharacterizeMacTable(const MacTableSpec& spec, const power::MappedDesign& design,
                              const std::filesystem::path& cache_dir) {
  const std::filesystem::path cached = cache_dir / CacheKey(spec, design);
  if (std::filesystem::exists(cached)) {
    return ReadMacTable(cached);
  }
  const TransitionClasses classes(spec.grouping);
  const power::Library library = power::ReadLiberty(spec.liberty);
  const power::GateNetlist netlist =
      power::ReadGateNetlist(design.netlist_json, "ws_pe_gates", library);
  std::optional<power::NetlistDelays> delays;
  if (spec.measurement == power::Measurement::kTimed) {
    delays = power::StaticPeDelays(design, spec.liberty, netlist, library, spec.energy);
  }
  const ClassedStream stream = MakeClassedStream(classes, spec.cycles_per_class, spec.seed);
  const int pairs = classes.activation_classes() * classes.psum_groups();

  // Tasks 0..3 measure a weight group each, task 4 the weight-load cycles.
  std::vector<GroupSums> sums(kWeightGroups);
  double load_cycle_fj = 0;
  ParallelFor(kWeightGroups + 1, spec.threads, [&](std::size_t task) {
    power::GatePe pe(netlist, library, spec.energy, power::GatePe::kLanes,
                     delays ? &*delays : nullptr);
    if (task == kWeightGroups) {
      load_cycle_fj = MeasureLoadCycles(pe, spec.seed + 1);
    } else {
      sums[task] = MeasureGroup(pe, stream, pairs, static_cast<int>(task));
    }
  });
  std::vector<double> datapath_fj;
  for (int group = 0; group < kWeightGroups; ++group) {
    const GroupSums& measured = sums[static_cast<std::size_t>(group)];
    for (int lane = 0; lane < power::GatePe::kLanes; ++lane) {
      for (int pair = 0; pair < pairs; ++pair) {
        datapath_fj.push_back(measured.energy[static_cast<std::size_t>(lane * pairs + pair)] /
                              measured.cycles[static_cast<std::size_t>(pair)]);
      }
    }
  }
  const MacTable table(spec.measurement, classes,
                       power::NetEnergyTable(netlist, library, spec.energy,
                                             power::PeOutputLoads(netlist, library, spec.energy))
                           .clock_fj_per_cycle(),
                       load_cycle_fj, std::move(datapath_fj));
  std::filesystem::create_directories(cache_dir);
  WriteMacTable(cached, table);
  return table;
}

}  // namespace powersel::model
