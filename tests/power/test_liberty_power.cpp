// Internal-power groups as the liberty spells them: rise_power / fall_power per direction, or
// one `power` table for both (OSU018 uses it for the DFFSR arc from S to Q).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "gate_fixtures.hpp"
#include "powersel/power/liberty.hpp"

using namespace powersel::power;
using powersel::power::testing::Osu018;

TEST_CASE("a power table inside internal_power prices both transitions", "[power]") {
  const auto path = std::filesystem::temp_directory_path() / "powersel_power_group.lib";
  std::ofstream(path) << R"(library(t) {
  capacitive_load_unit (1,pf);
  nom_voltage : 1.8;
  cell (BUF) {
    area : 1;
    pin(A) { direction : input; capacitance : 0.01; }
    pin(Y) {
      direction : output;
      function : "A";
      internal_power() { related_pin : "A"; power(scalar) { values ("0.5"); } }
      internal_power() {
        related_pin : "A";
        rise_power(scalar) { values ("0.25"); }
        fall_power(scalar) { values ("0.125"); }
      }
    }
  }
}
)";
  const Library library = ReadLiberty(path);
  std::filesystem::remove(path);
  const auto& groups = library.Cell("BUF").FindPin("Y")->internal_power;
  REQUIRE(groups.size() == 2);
  REQUIRE(groups[0].rise);
  REQUIRE(groups[0].fall);
  CHECK(groups[0].rise->Lookup(0, 0) == 0.5);
  CHECK(groups[0].fall->Lookup(0, 0) == 0.5);
  CHECK(groups[1].rise->Lookup(0, 0) == 0.25);
  CHECK(groups[1].fall->Lookup(0, 0) == 0.125);
}

TEST_CASE("every OSU018 output arc has an energy for both transitions", "[power]") {
  // An arc read without its table would weigh zero in the average over related pins and so
  // understate every transition of that output.
  int arcs = 0;
  for (const auto& [name, cell] : Osu018().cells) {
    for (const LibertyPin& pin : cell.pins) {
      for (const InternalPower& power : pin.internal_power) {
        if (!pin.is_output || power.related_pin.empty()) {
          continue;
        }
        CAPTURE(name, pin.name, power.related_pin);
        CHECK(power.rise.has_value());
        CHECK(power.fall.has_value());
        ++arcs;
      }
    }
  }
  CHECK(arcs > 32);
  // DFFSR's arc from S is one `power` table; its first entry, as printed in the file.
  const LibertyPin& q = *Osu018().Cell("DFFSR").FindPin("Q");
  const auto from_s = std::find_if(q.internal_power.begin(), q.internal_power.end(),
                                   [](const InternalPower& p) { return p.related_pin == "S"; });
  REQUIRE(from_s != q.internal_power.end());
  REQUIRE(from_s->rise);
  REQUIRE(from_s->fall);
  CHECK(from_s->rise->Lookup(0.1, 0.06) == Approx(0.15628));
  CHECK(from_s->fall->Lookup(0.1, 0.06) == Approx(0.15628));
}

TEST_CASE("outputs list the pins of their delay arcs, and not those of timing checks", "[power]") {
  using Pins = std::vector<std::string>;
  const Library& library = Osu018();
  CHECK(library.Cell("INVX1").FindPin("Y")->timing_from == Pins{"A"});
  CHECK(library.Cell("AOI21X1").FindPin("Y")->timing_from == Pins{"A", "B", "C"});
  // CLK->Q (rising_edge), R->Q (clear), S->Q (preset); D's setup and hold sit on D.
  CHECK(library.Cell("DFFSR").FindPin("Q")->timing_from == Pins{"CLK", "R", "S"});
  CHECK(library.Cell("DFFPOSX1").FindPin("Q")->timing_from == Pins{"CLK"});
  CHECK(library.Cell("DFFPOSX1").FindPin("D")->timing_from.empty());
}

TEST_CASE("a latch group gives its state, enable and data; without enable it is bad input",
          "[power]") {
  const auto path = std::filesystem::temp_directory_path() / "powersel_latch_group.lib";
  auto library_with = [&](const std::string& latch_group) {
    std::ofstream(path) << R"(library(t) {
  capacitive_load_unit (1,pf);
  nom_voltage : 1.8;
  cell (LAT) {
    area : 1;
    )" << latch_group << R"(
    pin(G) { direction : input; capacitance : 0.01; clock : true; }
    pin(D) { direction : input; capacitance : 0.01; }
    pin(Q) { direction : output; function : "IQ"; }
  }
}
)";
    return ReadLiberty(path);
  };
  const Library library = library_with(R"(latch (IQ, IQN) { enable : "G"; data_in : "D"; })");
  const LibertyCell& cell = library.Cell("LAT");
  REQUIRE(cell.latch);
  CHECK(cell.latch->state == "IQ");
  CHECK(cell.latch->state_inverse == "IQN");
  CHECK(cell.latch->enable == "G");
  CHECK(cell.latch->data_in == "D");
  CHECK_THROWS_WITH(library_with(R"(latch (IQ, IQN) { data_in : "D"; })"),
                    Catch::Contains("latch") && Catch::Contains("enable"));
  std::filesystem::remove(path);
}
