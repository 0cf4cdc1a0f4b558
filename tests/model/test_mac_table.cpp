// The MAC energy table measured on the default PE: physically ordered, cached, and stored
// so that it reads back exactly; malformed tables are refused.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <fstream>

#include "powersel/common/errors.hpp"
#include "powersel/model/mac_table.hpp"

using namespace powersel::model;
using powersel::power::Measurement;

namespace {

std::filesystem::path TempDir(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("powersel_" + name + "_" + std::to_string(static_cast<long>(getpid())));
}

MacTableSpec SmallSpec(Measurement measurement) {
  MacTableSpec spec;
  spec.measurement = measurement;
  spec.cycles_per_class = 60;
  spec.threads = 2;
  return spec;
}

// Mean over weights and psum groups of one activation class (or over weights and activation
// classes of one psum group).
double MeanOver(const MacTable& table, int activation_class, int psum_group) {
  double sum = 0;
  int n = 0;
  for (int w = -128; w < 128; ++w) {
    for (int a = 0; a < table.classes().activation_classes(); ++a) {
      for (int g = 0; g < table.classes().psum_groups(); ++g) {
        if ((activation_class < 0 || a == activation_class) &&
            (psum_group < 0 || g == psum_group)) {
          sum += table.Datapath(w, a, g);
          ++n;
        }
      }
    }
  }
  return sum / n;
}

}  // namespace

TEST_CASE("the MAC table orders transitions as the circuit must", "[model]") {
  const Measurement measurement = GENERATE(Measurement::kZeroDelay, Measurement::kTimed);
  CAPTURE(powersel::power::MeasurementName(measurement));
  const auto cache = TempDir("mac_table");
  std::filesystem::remove_all(cache);
  const auto start = std::chrono::steady_clock::now();
  const MacTable table =
      CharacterizeMacTable(SmallSpec(measurement), powersel::power::DefaultMappedDesign(), cache);
  const double first_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(table.measurement() == measurement);
  CHECK(table.clock_fj() > 0);
  // Shifting weights past a zero activation moves only the weight register; past a nonzero
  // one it moves the product and the sum too. More flipped weight bits cost more.
  const int act0_dense = TransitionClasses::LoadClass(0, 0, -1);
  const int act_dense = TransitionClasses::LoadClass(1, 0, -1);
  CHECK(table.load_cycle_fj(act0_dense) > 0);
  CHECK(table.load_cycle_fj(act0_dense) < table.load_cycle_fj(act_dense));
  CHECK(table.load_cycle_fj(TransitionClasses::LoadClass(0, 0, 0)) <
        table.load_cycle_fj(act0_dense));
  // An unchanged partial sum moves no adder input; unchanged top bits move only the low
  // adder bits; eight flipped top bits (a sign change) flip the sign-extension region too.
  const TransitionClasses& classes = table.classes();
  const int last_group = classes.psum_groups() - 1;
  CHECK(MeanOver(table, -1, 0) < MeanOver(table, -1, 1));
  CHECK(MeanOver(table, -1, 1) < MeanOver(table, -1, last_group));
  // With weight 0 the multiplier's output never moves: an activation change costs only its
  // input pins and register, far less than the same change times a dense weight.
  const int dense_flip = classes.activation_classes() - 1;  // hd5-8
  CHECK(table.Datapath(0, dense_flip, 0) < 0.5 * table.Datapath(127, dense_flip, 0));
  CHECK(table.Datapath(0, 0, 0) < table.Datapath(0, dense_flip, 0));

  // The second call reads the cached table back, entry for entry.
  const MacTable again =
      CharacterizeMacTable(SmallSpec(measurement), powersel::power::DefaultMappedDesign(), cache);
  CHECK(again.datapath_fj() == table.datapath_fj());
  CHECK(again.load_cycle_fj() == table.load_cycle_fj());
  WARN("MAC table (" << powersel::power::MeasurementName(measurement)
                     << ", 60 cycles per pair): " << first_s << " s");
  std::filesystem::remove_all(cache);
}

TEST_CASE("a malformed MAC table is an input error naming the field", "[model]") {
  const auto dir = TempDir("bad_table");
  std::filesystem::create_directories(dir);
  const auto file = dir / "mac_table.json";
  auto write = [&](const std::string& text) { std::ofstream(file) << text; };
  write("{\"format\": \"powersel-mac-table\", \"version\": 2, \"measurement\": \"fast\"}");
  CHECK_THROWS_WITH(ReadMacTable(file), Catch::Contains("measurement"));
  write(
      "{\"format\": \"powersel-mac-table\", \"version\": 2, \"measurement\": \"timed\", "
      "\"msb_bits\": 8, \"psum_edges\": [1, 3, 6], \"psum_low_edges\": [4, 8], "
      "\"activation_edges\": [3, 5], "
      "\"clock_fj\": 1, \"clock_load_fj\": 0, \"clock_valid_fj\": 0, "
      "\"load_cycle_fj\": [1, 2, 3, 4, 5, 6, 7, 8], \"datapath_fj\": [1, 2, 3]}");
  CHECK_THROWS_WITH(ReadMacTable(file), Catch::Contains("datapath_fj"));
  write(
      "{\"format\": \"powersel-mac-table\", \"version\": 2, \"measurement\": \"timed\", "
      "\"msb_bits\": 30, \"psum_edges\": [1], \"psum_low_edges\": [4], \"activation_edges\": [3], "
      "\"clock_fj\": 1, \"clock_load_fj\": 0, \"clock_valid_fj\": 0, \"load_cycle_fj\": 1, "
      "\"datapath_fj\": []}");
  CHECK_THROWS_AS(ReadMacTable(file), powersel::InputError);
  // A table without the clock gates' energies (version 1's) names the missing field.
  write(
      "{\"format\": \"powersel-mac-table\", \"version\": 2, \"measurement\": \"timed\", "
      "\"msb_bits\": 8, \"psum_edges\": [1, 3, 6], \"psum_low_edges\": [4, 8], "
      "\"activation_edges\": [3, 5], \"clock_fj\": 1, "
      "\"load_cycle_fj\": [1, 2, 3, 4, 5, 6, 7, 8], \"datapath_fj\": [1, 2, 3]}");
  CHECK_THROWS_WITH(ReadMacTable(file), Catch::Contains("clock_load_fj"));
  write("not json");
  CHECK_THROWS_AS(ReadMacTable(file), powersel::InputError);
  std::filesystem::remove_all(dir);
}

// Extreme bins (a top-bit bin of exactly 8 flips, a low-bit bin of exactly 14, a nonzero
// activation bin of exactly 8, where 255 -> 0 is no flip but a fall) are reachable, and a
// pair that cannot occur (top {0} x low {0} is "same") does not keep the measurement going.
TEST_CASE("every grouping the spec allows is measured in bounded time", "[model]") {
  MacTableSpec spec = SmallSpec(Measurement::kZeroDelay);
  spec.cycles_per_class = 20;
  spec.grouping.psum_edges = {1, 8};
  spec.grouping.psum_low_edges = {1, 14};
  spec.grouping.activation_edges = {8};
  const auto cache = TempDir("mac_extreme");
  const MacTable table = CharacterizeMacTable(spec, powersel::power::DefaultMappedDesign(), cache);
  std::filesystem::remove_all(cache);
  for (const double energy : table.datapath_fj()) {
    REQUIRE(std::isfinite(energy));
    REQUIRE(energy >= 0);
  }
  // msb0/low0 cannot occur: its entries are zero; msb8/low14 occurs and costs.
  const TransitionClasses& classes = table.classes();
  CHECK(classes.PsumName(1) == "msb0/low0");
  CHECK(table.Datapath(5, 0, 1) == 0);
  CHECK(table.Datapath(5, 0, classes.psum_groups() - 1) > 0);
}
