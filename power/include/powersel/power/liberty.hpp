// What energy needs from a Liberty (.lib) standard-cell library: units, the nominal voltage,
// pin capacitances, cell functions and flip-flops, and internal-energy tables; of timing, only
// which arcs exist (their delays come from OpenSTA, sdf.hpp).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace powersel::power {

// A one- or two-dimensional lookup table in library units. The axes are named by their
// template variables; Lookup() takes the output load and the input slew and clamps both to
// the table's range (no extrapolation).
struct LookupTable {
  enum class Axis { kOutputLoad, kInputSlew };
  std::vector<Axis> axes;  // one entry per index, in table order
  std::vector<double> index_1;
  std::vector<double> index_2;
  std::vector<double> values;  // row-major: index_1 major

  double Lookup(double load, double slew) const;
};

// An internal_power group: energy per transition of the pin it sits on (an output's rise or
// fall, or for an input pin the energy the pin itself dissipates when it toggles).
struct InternalPower {
  std::string related_pin;  // empty for input-pin (passive) energy
  std::optional<LookupTable> rise;
  std::optional<LookupTable> fall;
};

struct LibertyPin {
  std::string name;
  bool is_output = false;
  bool is_clock = false;
  double rise_capacitance = 0;  // library capacitance units
  double fall_capacitance = 0;
  std::string function;  // outputs of combinational cells or of flip-flops
  std::vector<InternalPower> internal_power;
  // Outputs: the related pins of the delay arcs that end here (timing groups that are not
  // setup/hold-style checks), the arcs static timing must give a delay for.
  std::vector<std::string> timing_from;

  double Capacitance() const { return 0.5 * (rise_capacitance + fall_capacitance); }
};

struct LibertyFlipFlop {
  std::string state;          // e.g. IQ
  std::string state_inverse;  // e.g. IQN
  std::string next_state;
  std::string clocked_on;
  std::string clear;   // empty if none
  std::string preset;  // empty if none
};

// A level-sensitive latch: its state follows data_in while enable is true.
struct LibertyLatch {
  std::string state;          // e.g. IQ
  std::string state_inverse;  // e.g. IQN
  std::string enable;
  std::string data_in;
};

struct LibertyCell {
  std::string name;
  double area = 0;
  std::vector<LibertyPin> pins;
  std::optional<LibertyFlipFlop> flip_flop;
  std::optional<LibertyLatch> latch;

  const LibertyPin* FindPin(const std::string& pin_name) const;
};

struct Library {
  std::filesystem::path file;
  std::string name;
  double nominal_voltage_v = 0;
  double capacitance_unit_pf = 1;  // one library capacitance unit in pF
  double time_unit_ns = 1;         // one library time unit in ns
  std::map<std::string, LibertyCell> cells;

  double voltage_unit_v = 1;  // one library voltage unit in V

  // Internal-energy tables are in capacitance unit x voltage unit squared (pF x V^2 = pJ for
  // OSU018); this is that unit in fJ.
  double EnergyUnitFj() const {
    return capacitance_unit_pf * 1000.0 * voltage_unit_v * voltage_unit_v;
  }

  const LibertyCell& Cell(const std::string& cell_name) const;  // throws InputError
};

// Throws InputError naming the file, the line and what was expected for a missing,
// malformed or unsupported library.
Library ReadLiberty(const std::filesystem::path& file);
// The same from text in memory (tests, fuzzing); `origin` names it in errors.
Library ReadLibertyText(const std::string& text, const std::filesystem::path& origin);

// The library the build mapped its gate-level netlist to (CMake POWERSEL_DEFAULT_LIBERTY:
// Debian's qflow-tech-osu018), the default wherever a liberty is chosen.
extern const std::filesystem::path kDefaultLiberty;

}  // namespace powersel::power
