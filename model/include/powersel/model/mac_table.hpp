// The MAC energy table the model reads: for every weight, activation-transition class and
// partial-sum group, the mean energy of one PE cycle measured on the gate-level PE. Stored
// in the `datapath` scope (the PE's clock excluded); `pe` adds the constant clock energy.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "powersel/model/transition_classes.hpp"
#include "powersel/power/gate_energy.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/power/liberty.hpp"
#include "powersel/power/measurement.hpp"
#include "powersel/power/synth.hpp"
#include "powersel/tb/pe_model.hpp"

namespace powersel::model {

class MacTable {
 public:
  // `load_cycle_fj`: per TransitionClasses::LoadClass.
  MacTable(power::Measurement measurement, TransitionClasses classes, power::PeClockEnergy clock,
           std::vector<double> load_cycle_fj, std::vector<double> datapath_fj);

  // Mean datapath energy (fJ) of one PE cycle of weight `weight` (-128..127).
  double Datapath(int weight, int activation_class, int psum_group) const {
    return datapath_fj_[Index(weight, activation_class, psum_group)];
  }
  // The same by pair index (activation class * psum groups + psum group).
  double DatapathPair(int weight, int pair) const {
    return datapath_fj_[static_cast<std::size_t>(weight + 128) *
                            static_cast<std::size_t>(classes_.activation_classes() *
                                                     classes_.psum_groups()) +
                        static_cast<std::size_t>(pair)];
  }
  // The PE's free-running clock per cycle (pins of its flip-flops and the clock net), whatever
  // the weight; clock() adds what clock gates let through in load and valid cycles.
  double clock_fj() const { return clock_.free_fj; }
  const power::PeClockEnergy& clock() const { return clock_; }
  // Mean datapath energy of a weight-load cycle (the weight register moving), per
  // TransitionClasses::LoadClass: the register's (old, new) pair under a zero activation, its
  // Hamming distance under a nonzero one.
  double load_cycle_fj(int load_class) const {
    return load_cycle_fj_[static_cast<std::size_t>(load_class)];
  }
  const std::vector<double>& load_cycle_fj() const { return load_cycle_fj_; }

  power::Measurement measurement() const { return measurement_; }
  const TransitionClasses& classes() const { return classes_; }
  const std::vector<double>& datapath_fj() const { return datapath_fj_; }

 private:
  std::size_t Index(int weight, int activation_class, int psum_group) const {
    return (static_cast<std::size_t>(weight + 128) *
                static_cast<std::size_t>(classes_.activation_classes()) +
            static_cast<std::size_t>(activation_class)) *
               static_cast<std::size_t>(classes_.psum_groups()) +
           static_cast<std::size_t>(psum_group);
  }

  power::Measurement measurement_;
  TransitionClasses classes_;
  power::PeClockEnergy clock_;
  std::vector<double> load_cycle_fj_;
  std::vector<double> datapath_fj_;  // [weight + 128][activation class][psum group]
};

struct MacTableSpec {
  std::filesystem::path liberty = power::kDefaultLiberty;
  power::PeFeatures pe;  // the PE the table is measured on (the flow maps it)
  power::Measurement measurement = power::Measurement::kTimed;
  GroupingSpec grouping;
  // Streams a PE really sees (e.g. sampled from a network's layers): measured first, so that
  // within each pair the transitions are distributed as in real data. Load cycles (shift) and
  // the weight inputs are ignored.
  std::vector<std::vector<tb::PeInputs>> real_streams;
  // Synthetic cycles then top every (activation class, psum group) up to this many.
  int cycles_per_class = 100;
  std::uint64_t seed = 1;
  int threads = 1;
  power::GateEnergyOptions energy;
};

// Measures the table on `design`'s PE, every weight under the real streams then a random
// stream that covers every (activation class, psum group), each cycle's energy attributed to
// its pair.
// The result is cached in `cache_dir` under a hash of the liberty, the PE netlist and the
// spec, so a second call with the same inputs only reads it back.
MacTable CharacterizeMacTable(const MacTableSpec& spec, const power::MappedDesign& design,
                              const std::filesystem::path& cache_dir);

// mac_table.json: the table with its grouping, measurement, clock and load-cycle energy.
void WriteMacTable(const std::filesystem::path& file, const MacTable& table);
// Throws InputError (file, field) for anything malformed or inconsistent.
MacTable ReadMacTable(const std::filesystem::path& file);

}  // namespace powersel::model
