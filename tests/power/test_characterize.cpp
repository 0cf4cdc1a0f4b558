// The characterisation table on the default library: complete, reproducible, and physically
// sane. Each check has its own reason:
// - weight 0 gates the multiplier to a constant zero, so only the activation register, the
//   pass-through adder and the clock switch;
// - 64 has one set bit, so the array multiplier forms one non-zero partial product, while
//   85 (0b1010101) and 127 (0b1111111) form four and seven that the adder tree must sum;
// - a partial-sum sign change flips the whole sign-extension region of the 22-bit adder and
//   register, a same-sign change of the same magnitude does not;
// - likewise, each further flipped bit among the partial sum's top bits flips more of that
//   region, so energy rises with their Hamming distance.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "gate_fixtures.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/power/edge_energy.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/power/synth.hpp"

using namespace powersel::power;

namespace {

CharacterizeResult SmallCharacterization(std::uint64_t seed,
                                         Measurement measurement = Measurement::kZeroDelay,
                                         int cycles = 400) {
  CharacterizeSpec spec;
  spec.cycles = cycles;
  spec.measurement = measurement;
  spec.seed = seed;
  spec.threads = 2;
  spec.equivalence_pe_cycles = 64 * 500;
  const auto images = powersel::ReadIdxImages(powersel::kFashionMnistTestImages, 2);
  return Characterize(spec, DefaultMappedDesign(), images);
}

}  // namespace

TEST_CASE("the characterisation covers every weight and passes its physical checks", "[power]") {
  const Measurement measurement = GENERATE(Measurement::kZeroDelay, Measurement::kTimed);
  CAPTURE(MeasurementName(measurement));
  // Glitches depend on the data (how far carries ripple), so the timed MSB-distance trend
  // needs a longer stream to stand above the sampling noise than the zero-delay one.
  const int cycles = measurement == Measurement::kTimed ? 1200 : 400;
  const CharacterizeResult result = SmallCharacterization(3, measurement, cycles);
  CHECK(result.measurement == measurement);
  CHECK(result.rows.size() == 256 * result.stimuli.size());
  CHECK(result.stimuli.size() == 2 + 9 + 2);  // uniform, conv, MSB distance 0..8, sign classes
  CHECK(result.equivalence_mismatches == 0);
  for (const SanityCheck& check : result.checks) {
    CAPTURE(check.name, check.detail);
    CHECK(check.passed);
  }
  // The clock floor alone: 39 flip-flops each pay their clock pin every cycle.
  CHECK(result.pe_flip_flops == 39);
  CHECK(result.clock_fj_per_cycle > 0);
  CHECK(result.Energy(0, "uniform") > result.clock_fj_per_cycle);
}

TEST_CASE("the characterisation is reproducible from its seed", "[power]") {
  const CharacterizeResult first = SmallCharacterization(11);
  const CharacterizeResult second = SmallCharacterization(11);
  REQUIRE(first.rows.size() == second.rows.size());
  for (std::size_t i = 0; i < first.rows.size(); ++i) {
    REQUIRE(first.rows[i].energy_fj == second.rows[i].energy_fj);
  }
}

TEST_CASE("energy rises with the partial sum's MSB Hamming distance at every step", "[power]") {
  // The default run (seed 1, 2,000 cycles per entry), as the README reports it. Each step is
  // about 450 fJ against the stream's sampling noise (a 400-cycle run can invert one, which
  // is why characterize's own check compares distances two apart).
  CharacterizeSpec spec;
  spec.threads = 2;
  spec.equivalence_pe_cycles = 64;
  spec.measurement = Measurement::kZeroDelay;  // the README's zero-delay figures
  const auto images =
      powersel::ReadIdxImages(powersel::kFashionMnistDir / "t10k-images-idx3-ubyte.gz", 2);
  const CharacterizeResult result = Characterize(spec, DefaultMappedDesign(), images);
  // The mean over all 256 weights per distance 0..8, from the table itself.
  std::vector<double> means;
  for (int distance = 0; distance <= 8; ++distance) {
    double sum = 0;
    for (int w = -128; w < 128; ++w) {
      sum += result.Energy(w, "psum_msb_hd" + std::to_string(distance));
    }
    means.push_back(sum / 256);
  }
  for (int distance = 1; distance <= 8; ++distance) {
    CAPTURE(distance, means[distance - 1], means[distance]);
    CHECK(means[distance] > means[distance - 1]);
  }
  // And characterize reports it among its checks.
  const auto check = std::find_if(result.checks.begin(), result.checks.end(), [](const auto& c) {
    return c.name.find("MSB Hamming distance") != std::string::npos;
  });
  REQUIRE(check != result.checks.end());
  CAPTURE(check->detail);
  CHECK(check->passed);
}

// Timed and zero-delay simulate the same stimuli and end every cycle on the same values (the
// timed simulator's own test), so a timed net has the zero-delay transitions plus glitch
// pairs, each priced at or above zero: no weight can come out cheaper timed.
TEST_CASE("a timed characterisation adds glitches to the zero-delay table it also measures",
          "[power][timed]") {
  const CharacterizeResult timed = SmallCharacterization(5, Measurement::kTimed, 200);
  const CharacterizeResult zero_delay = SmallCharacterization(5, Measurement::kZeroDelay, 200);
  REQUIRE(timed.zero_delay_fj.size() == timed.rows.size());
  REQUIRE(zero_delay.zero_delay_fj.empty());
  int cheaper = 0;
  for (std::size_t i = 0; i < timed.rows.size(); ++i) {
    // The zero-delay twin is the zero-delay characterisation, entry for entry.
    REQUIRE(timed.zero_delay_fj[i] == zero_delay.rows[i].energy_fj);
    cheaper += timed.rows[i].energy_fj < timed.zero_delay_fj[i] ? 1 : 0;
  }
  CHECK(cheaper == 0);
  // Weight 0 adds zero to the partial sum: no carry ripples, no multiplier activity, so it
  // glitches least (the Icarus probe: x1.00).
  REQUIRE(timed.comparisons.size() == 2);
  const ModeComparison& uniform = timed.comparisons.front();
  CHECK(uniform.stimulus == "uniform");
  double least_share = 1;
  int least_weight = 0;
  for (int w = -128; w < 128; ++w) {
    const double share = 1 - timed.ZeroDelayEnergy(w, "uniform") / timed.Energy(w, "uniform");
    if (share < least_share) {
      least_share = share;
      least_weight = w;
    }
  }
  CHECK(least_weight == 0);
  CHECK(least_share < 0.01);
  CHECK(uniform.mean_glitch_share > 0.05);
  // Glitches reorder the weights, but not wholesale (the probe found rho about 0.95).
  CHECK(uniform.spearman_rho > 0.8);
  CHECK(uniform.spearman_rho < 1.0);
  CHECK(uniform.swapped_pairs > 0.0);
  CHECK(uniform.dearest_timed.size() == 5);
}

TEST_CASE("each low-power feature maps to a PE equal to the RTL that saves what it should",
          "[power]") {
  // Reasons, each feature on its own against the plain PE (zero-delay, real conv streams):
  // - zero-weight isolation holds the multiplier's and the adder's inputs at 0 under weight
  //   0, so the activation no longer fans into the multiplier and the partial sum no longer
  //   ripples through the adder: weight 0 must get cheaper;
  // - sign-magnitude weights give the multiplier |w|: -1 multiplies like +1 and only the
  //   adder's subtract differs, where the two's-complement -1 (all ones) spreads the
  //   activation over every partial product: -1 must come within 10 % of +1;
  // - clock gating leaves one flip-flop (the valid bit) of 39 and the gates' two latches on
  //   the free clock: a cycle with neither a load nor a valid activation costs under a fifth
  //   of the plain PE's clock; a streaming cycle clocks 31 of the 39 (the weight register
  //   rests), so with the gates' latches and ANDs it stays under 0.9 of the plain clock;
  // - all together (idle-column gating is the array's: the PE is the clock-gated one):
  //   weight 0 bypasses the multiplier and the adder and its register rests, at least 15 %
  //   cheaper than on the plain PE;
  // - idle-column gating adds the column enables and the output valid's line to the array.
  const auto images = powersel::ReadIdxImages(powersel::kFashionMnistTestImages, 2);
  const auto dir = std::filesystem::temp_directory_path() / "powersel_pe_features";
  std::filesystem::remove_all(dir);
  auto characterize = [&](const std::string& name, const PeFeatures& features) {
    CharacterizeSpec spec;
    spec.cycles = 400;
    spec.measurement = Measurement::kZeroDelay;
    spec.threads = 2;
    spec.equivalence_pe_cycles = 64 * 500;
    spec.pe = features;
    const MappedDesign design =
        features.plain() ? DefaultMappedDesign()
                         : MapArrayToLibrary(kDefaultLiberty, {4, 4}, dir / name, features);
    return Characterize(spec, design, images);
  };
  const CharacterizeResult plain = characterize("plain", {});
  const CharacterizeResult isolated =
      characterize("zero-weight-isolation", {.zero_weight_isolation = true});
  const CharacterizeResult sign_magnitude =
      characterize("sign-magnitude", {.sign_magnitude = true});
  const CharacterizeResult gated = characterize("clock-gating", {.clock_gating = true});
  CHECK(isolated.equivalence_mismatches == 0);
  CHECK(sign_magnitude.equivalence_mismatches == 0);
  const CharacterizeResult low_power = characterize("low-power", LowPowerPe());
  CHECK(gated.equivalence_mismatches == 0);
  CHECK(low_power.equivalence_mismatches == 0);
  CHECK(low_power.Energy(0, "conv") < 0.85 * plain.Energy(0, "conv"));
  // Idle-column gating adds the column enables and the output valid's own line: 2 * cols
  // more edge flip-flops, found in the netlist and counted by the estimate.
  const GateNetlist low_power_array =
      ReadGateNetlist((dir / "low-power" / "ws_array_gates.json"), "ws_array", testing::Osu018());
  std::uint64_t edge_flops = 0;
  for (const GateNetlist::Instance& instance : low_power_array.instances) {
    edge_flops += instance.cell->flip_flop && instance.name.find(".u_pe.") == std::string::npos;
  }
  CHECK(edge_flops == EdgeFlipFlopCount({4, 4}, true));
  CHECK(edge_flops == EdgeFlipFlopCount({4, 4}) + 2 * 4);
  const EdgeFlipFlopEnergy low_power_edge = MeasureEdgeFlipFlops(
      {dir / "low-power" / "ws_array_gates.json", {}, {}}, testing::Osu018(), GateEnergyOptions{});
  CHECK(low_power_edge.idle_column_gating);
  CHECK_FALSE(MeasureEdgeFlipFlops(DefaultMappedDesign(), testing::Osu018(), GateEnergyOptions{})
                  .idle_column_gating);
  const GateNetlist gated_netlist = ReadGateNetlist((dir / "clock-gating" / "ws_array_gates.json"),
                                                    "ws_pe_gates", testing::Osu018());
  const PeClockEnergy clock =
      MeasurePeClock(gated_netlist, testing::Osu018(), GateEnergyOptions{}, nullptr);
  CHECK(clock.free_fj < 0.2 * plain.clock_fj_per_cycle);
  CHECK(clock.load_fj > 0);
  CHECK(clock.valid_fj > clock.load_fj);  // 30 registers behind the valid gate, 8 behind load
  CHECK(clock.free_fj + clock.valid_fj < 0.9 * plain.clock_fj_per_cycle);
  const PeClockEnergy plain_clock =
      MeasurePeClock(testing::PeNetlist(), testing::Osu018(), GateEnergyOptions{}, nullptr);
  CHECK(plain_clock.free_fj == Approx(plain.clock_fj_per_cycle));
  CHECK(plain_clock.load_fj == Approx(0).margin(1e-9));
  CHECK(plain_clock.valid_fj == Approx(0).margin(1e-9));
  CHECK(isolated.Energy(0, "conv") < 0.9 * plain.Energy(0, "conv"));
  const double plus1 = sign_magnitude.Energy(1, "conv");
  const double minus1 = sign_magnitude.Energy(-1, "conv");
  CHECK(std::abs(minus1 - plus1) < 0.1 * plus1);
  // On the plain PE -1 is much dearer than +1: the check above is not trivially true.
  CHECK(plain.Energy(-1, "conv") > 1.2 * plain.Energy(1, "conv"));
  std::filesystem::remove_all(dir);
}
