// Measuring the MAC energy table: one stream — real PE streams, then synthetic cycles until
// every (activation class, partial-sum group) pair that can occur has its share — run by the
// gate-level PE for 64 weights at once, each cycle's energy going to the pair its transition
// belongs to.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <numeric>
#include <optional>
#include <random>

#include "load_characterization.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/parallel.hpp"
#include "powersel/model/mac_table.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::model {

namespace {

constexpr int kWeightGroups = 256 / power::GatePe::kLanes;
using detail::FlipBits;
using detail::kWarmupCycles;
// Bumped whenever the classes or the stimuli change, so that no older cached table is read.
constexpr int kMethodVersion = 11;
// Synthetic cycles end after this many times the pairs' share: see MakeClassedStream.
constexpr int kCycleLimitFactor = 64;

struct ClassedStream {
  std::vector<tb::PeInputs> inputs;
  std::vector<int> pair;  // per cycle: activation class * psum groups + psum group, -1 warm-up
};

// An activation whose transition from `previous` is in class `target`, or none when no draw
// (a few tries) gets there: a rise needs a zero before it, a fall or a flip a nonzero one, a
// fall one with as many bits set as the class says, and a flip of every bit of 255 lands on
// zero.
std::optional<std::uint8_t> DrawActivation(const TransitionClasses& classes, std::uint8_t previous,
                                           int target, std::mt19937_64& rng) {
  using Kind = TransitionClasses::ActivationKind;
  constexpr int kTries = 16;
  const Kind kind = classes.Kind(target);
  if (kind == Kind::kHold) {
    return previous;
  }
  if ((kind == Kind::kRise) != (previous == 0)) {
    return std::nullopt;
  }
  const auto [first, last] = classes.ActivationDistances(target);
  if (kind == Kind::kFall) {
    const int set = std::popcount(static_cast<unsigned>(previous));
    return set >= first && set <= last ? std::optional(std::uint8_t{0}) : std::nullopt;
  }
  for (int attempt = 0; attempt < kTries; ++attempt) {
    const int distance = std::uniform_int_distribution<int>(first, last)(rng);
    const auto candidate =
        static_cast<std::uint8_t>(FlipBits(previous, 0, tb::kActivationBits, distance, rng));
    if (candidate != 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

// Whether a partial-sum group can occur at all (both of its ranges {0} would be "same").
bool PsumGroupOccurs(const TransitionClasses& classes, int group) {
  return group == 0 || classes.PsumMsbDistances(group).second > 0 ||
         classes.PsumLowDistances(group).second > 0;
}

// A partial sum whose transition from `previous` is in group `target` (one that occurs).
std::int32_t DrawPsum(const TransitionClasses& classes, std::int32_t previous, int target,
                      std::mt19937_64& rng) {
  if (target == 0) {
    return previous;
  }
  const int msb_bits = classes.spec().msb_bits;
  const int low_bits = tb::kPsumBits - msb_bits;
  const auto [msb_first, msb_last] = classes.PsumMsbDistances(target);
  const auto [low_first, low_last] = classes.PsumLowDistances(target);
  for (;;) {  // ends: the group occurs, so some draw moves a bit
    const int msb = std::uniform_int_distribution<int>(msb_first, msb_last)(rng);
    const int low = std::uniform_int_distribution<int>(low_first, low_last)(rng);
    if (msb + low > 0) {
      std::uint32_t value =
          FlipBits(static_cast<std::uint32_t>(previous), low_bits, msb_bits, msb, rng);
      value = FlipBits(value, 0, low_bits, low, rng);
      return tb::WrapPsum(static_cast<std::int32_t>(value));
    }
  }
}

// First the real streams, each cycle under the pair its transition belongs to (a segment's
// first cycle under none: its transition is not real); then, from where they end, cycles
// that each take the least-sampled pair the previous activation allows (a rise needs a zero
// before it, a fall or a bit flip a nonzero one), until every pair has `per_pair` cycles.
ClassedStream MakeClassedStream(const TransitionClasses& classes, int per_pair, std::uint64_t seed,
                                const std::vector<std::vector<tb::PeInputs>>& real) {
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
  for (const std::vector<tb::PeInputs>& segment : real) {
    for (std::size_t cycle = 0; cycle < segment.size(); ++cycle) {
      // Only the data inputs: each lane keeps the weight it holds.
      tb::PeInputs next;
      next.act = segment[cycle].act;
      next.act_valid = segment[cycle].act_valid;
      next.psum = tb::WrapPsum(segment[cycle].psum);
      const int pair = classes.ActivationClass(previous.act, next.act) * groups +
                       classes.PsumGroup(previous.psum, next.psum);
      stream.inputs.push_back(next);
      stream.pair.push_back(cycle == 0 ? -1 : pair);
      samples[static_cast<std::size_t>(pair)] += cycle == 0 ? 0 : 1;
      previous = next;
    }
  }
  std::vector<int> by_samples(static_cast<std::size_t>(pairs));
  std::iota(by_samples.begin(), by_samples.end(), 0);
  auto wanted = [&](int pair) {
    return PsumGroupOccurs(classes, pair % groups) &&
           samples[static_cast<std::size_t>(pair)] < per_pair;
  };
  // A bound no real grouping comes near; it only keeps a pathological one from running on.
  const std::size_t cycle_limit =
      stream.inputs.size() + static_cast<std::size_t>(per_pair) * pairs * kCycleLimitFactor;
  while (stream.inputs.size() < cycle_limit &&
         std::any_of(by_samples.begin(), by_samples.end(), wanted)) {
    // The least-sampled pair this state can reach.
    std::stable_sort(by_samples.begin(), by_samples.end(), [&](int x, int y) {
      return samples[static_cast<std::size_t>(x)] < samples[static_cast<std::size_t>(y)];
    });
    for (const int pair : by_samples) {
      if (!PsumGroupOccurs(classes, pair % groups)) {
        continue;
      }
      const std::optional<std::uint8_t> act =
          DrawActivation(classes, previous.act, pair / groups, rng);
      if (!act) {
        continue;
      }
      tb::PeInputs next = previous;
      next.act = *act;
      next.act_valid = true;  // a clock-gated PE computes only on valid activations
      next.psum = DrawPsum(classes, previous.psum, pair % groups, rng);
      stream.inputs.push_back(next);
      stream.pair.push_back(pair);
      ++samples[static_cast<std::size_t>(pair)];
      previous = next;
      break;
    }
  }
  return stream;
}

// Sum of each lane's energy per pair, and the cycles per pair.
struct GroupSums {
  std::vector<double> energy;  // [lane][pair]
  std::vector<int> cycles;     // [pair]
};

// A cycle's logic switches for its own transition; its registers switch at the next edge,
// for what the logic computed: so the registers' energy of cycle t goes to cycle t - 1's pair.
GroupSums MeasureGroup(power::GatePe& pe, const ClassedStream& stream, int pairs, int group) {
  detail::ResetLanes(pe, -128 + group * power::GatePe::kLanes);
  pe.meter().TrackCycles(true, pe.netlist().RegisterNets());
  GroupSums sums{std::vector<double>(static_cast<std::size_t>(power::GatePe::kLanes * pairs), 0),
                 std::vector<int>(static_cast<std::size_t>(pairs), 0)};
  std::vector<tb::PeInputs> lanes(power::GatePe::kLanes);
  auto add = [&](int pair, std::span<const double> energy) {
    for (int lane = 0; lane < power::GatePe::kLanes; ++lane) {
      sums.energy[static_cast<std::size_t>(lane * pairs + pair)] +=
          energy[static_cast<std::size_t>(lane)];
    }
  };
  for (std::size_t cycle = 0; cycle < stream.inputs.size(); ++cycle) {
    std::fill(lanes.begin(), lanes.end(), stream.inputs[cycle]);
    pe.Step(lanes);
    if (const int pair = stream.pair[cycle]; pair >= 0) {
      ++sums.cycles[static_cast<std::size_t>(pair)];
      add(pair, pe.meter().last_cycle_fj());
    }
    if (const int previous = cycle > 0 ? stream.pair[cycle - 1] : -1; previous >= 0) {
      add(previous, pe.meter().last_cycle_register_fj());
    }
  }
  return sums;
}

std::string CacheKey(const MacTableSpec& spec, const power::MappedDesign& design) {
  std::uint64_t hash = Fnv1a(ReadFileText(spec.liberty, "liberty"));
  hash = Fnv1a(ReadFileText(design.netlist_json, "netlist"), hash);
  const GroupingSpec& g = spec.grouping;
  hash = Fnv1a(fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", kMethodVersion,
                           power::MeasurementName(spec.measurement), g.msb_bits,
                           fmt::join(g.psum_edges, ","), fmt::join(g.psum_low_edges, ","),
                           fmt::join(g.activation_edges, ","), spec.cycles_per_class, spec.seed,
                           spec.energy.input_slew_ns, spec.energy.wire_base_pf,
                           spec.energy.wire_per_fanout_pf, detail::kLoadTasks),
               hash);
  for (const std::vector<tb::PeInputs>& segment : spec.real_streams) {
    for (const tb::PeInputs& in : segment) {
      hash = Fnv1a(fmt::format("{},{},{};", in.act, in.act_valid, in.psum), hash);
    }
    hash = Fnv1a("|", hash);
  }
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
  const ClassedStream stream =
      MakeClassedStream(classes, spec.cycles_per_class, spec.seed, spec.real_streams);
  const int pairs = classes.activation_classes() * classes.psum_groups();

  // Tasks 0..3 measure a weight group each, the rest the weight-load classes.
  std::vector<GroupSums> sums(kWeightGroups);
  std::vector<std::vector<double>> load_results(detail::kLoadTasks);
  ParallelFor(kWeightGroups + detail::kLoadTasks, spec.threads, [&](std::size_t task) {
    power::GatePe pe(netlist, library, spec.energy, power::GatePe::kLanes,
                     delays ? &*delays : nullptr);
    if (task >= kWeightGroups) {
      const auto load_task = static_cast<int>(task) - kWeightGroups;
      load_results[static_cast<std::size_t>(load_task)] =
          detail::MeasureLoadTask(pe, load_task, spec.seed);
    } else {
      sums[task] = MeasureGroup(pe, stream, pairs, static_cast<int>(task));
    }
  });
  std::vector<double> datapath_fj;
  for (int group = 0; group < kWeightGroups; ++group) {
    const GroupSums& measured = sums[static_cast<std::size_t>(group)];
    for (int lane = 0; lane < power::GatePe::kLanes; ++lane) {
      for (int pair = 0; pair < pairs; ++pair) {
        // A pair never sampled never occurs (see PsumGroupOccurs): it costs nothing.
        const int cycles = measured.cycles[static_cast<std::size_t>(pair)];
        datapath_fj.push_back(
            cycles == 0 ? 0.0
                        : measured.energy[static_cast<std::size_t>(lane * pairs + pair)] / cycles);
      }
    }
  }
  const MacTable table(
      spec.measurement, classes,
      power::MeasurePeClock(netlist, library, spec.energy, delays ? &*delays : nullptr),
      detail::LoadTable(load_results), std::move(datapath_fj));
  std::filesystem::create_directories(cache_dir);
  WriteMacTable(cached, table);
  return table;
}

}  // namespace powersel::model
