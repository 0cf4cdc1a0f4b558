// The characterisation table on the default library: complete, reproducible, and physically
// sane. Each check has its own reason:
// - weight 0 gates the multiplier to a constant zero, so only the activation register, the
//   pass-through adder and the clock switch;
// - 64 has one set bit, so the array multiplier forms one non-zero partial product, while
//   85 (0b1010101) and 127 (0b1111111) form four and seven that the adder tree must sum;
// - a partial-sum sign change flips the whole sign-extension region of the 22-bit adder and
//   register, a same-sign change of the same magnitude does not.
#include <catch2/catch.hpp>

#include "powersel/common/idx.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/power/synth.hpp"

using namespace powersel::power;

namespace {

CharacterizeResult SmallCharacterization(std::uint64_t seed) {
  CharacterizeSpec spec;
  spec.cycles = 400;
  spec.seed = seed;
  spec.threads = 2;
  spec.equivalence_pe_cycles = 64 * 500;
  const auto images =
      powersel::ReadIdxImages(powersel::kFashionMnistTestImages, 2);
  return Characterize(spec, DefaultMappedDesign().netlist_json, images);
}

}  // namespace

TEST_CASE("the characterisation covers every weight and passes its physical checks", "[power]") {
  const CharacterizeResult result = SmallCharacterization(3);
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
