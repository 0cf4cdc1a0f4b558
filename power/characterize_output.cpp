#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "powersel/common/files.hpp"
#include "powersel/common/gnuplot.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/power/synth.hpp"

namespace powersel::power {

namespace {

bool Timed(const CharacterizeResult& result) {
  return !result.zero_delay_fj.empty();
}

// energy_fj is the characterisation's measurement; a timed one adds its zero-delay twin.
std::string LongCsv(const CharacterizeResult& result) {
  std::string csv = "weight,stimulus,psum_msb_hd,cycles,energy_fj";
  csv += Timed(result) ? ",zero_delay_fj,glitch_share\n" : "\n";
  for (std::size_t i = 0; i < result.rows.size(); ++i) {
    const MacEnergyRow& row = result.rows[i];
    csv += fmt::format("{},{},{},{},{:.4f}", row.weight, row.stimulus.name,
                       row.stimulus.psum_msb_distance, row.cycles, row.energy_fj);
    csv += Timed(result) ? fmt::format(",{:.4f},{:.5f}\n", result.zero_delay_fj[i],
                                       1 - result.zero_delay_fj[i] / row.energy_fj)
                         : "\n";
  }
  return csv;
}

std::string GlitchCsv(const CharacterizeResult& result) {
  std::string csv = "weight";
  for (const ModeComparison& comparison : result.comparisons) {
    const std::string& name = comparison.stimulus;
    csv += fmt::format(",timed_{0}_fj,zero_delay_{0}_fj,glitch_share_{0}", name);
  }
  csv += "\n";
  for (int weight = -128; weight < 128; ++weight) {
    csv += std::to_string(weight);
    for (const ModeComparison& comparison : result.comparisons) {
      const double timed = result.Energy(weight, comparison.stimulus);
      const double zero_delay = result.ZeroDelayEnergy(weight, comparison.stimulus);
      csv += fmt::format(",{:.4f},{:.4f},{:.5f}", timed, zero_delay, 1 - zero_delay / timed);
    }
    csv += "\n";
  }
  return csv;
}

nlohmann::json ComparisonsJson(const CharacterizeResult& result) {
  nlohmann::json comparisons = nlohmann::json::array();
  for (const ModeComparison& c : result.comparisons) {
    comparisons.push_back({{"stimulus", c.stimulus},
                           {"spearman_rho", c.spearman_rho},
                           {"swapped_pairs", c.swapped_pairs},
                           {"mean_timed_fj", c.mean_timed_fj},
                           {"mean_zero_delay_fj", c.mean_zero_delay_fj},
                           {"mean_ratio", c.mean_timed_fj / c.mean_zero_delay_fj},
                           {"mean_glitch_share", c.mean_glitch_share},
                           {"dearest_timed", c.dearest_timed},
                           {"dearest_zero_delay", c.dearest_zero_delay}});
  }
  return comparisons;
}

std::string WideCsv(const CharacterizeResult& result) {
  std::string csv = "weight";
  for (const Stimulus& stimulus : result.stimuli) {
    csv += "," + stimulus.name;
  }
  csv += "\n";
  for (int weight = -128; weight < 128; ++weight) {
    csv += std::to_string(weight);
    for (const Stimulus& stimulus : result.stimuli) {
      csv += fmt::format(",{:.4f}", result.Energy(weight, stimulus.name));
    }
    csv += "\n";
  }
  return csv;
}

nlohmann::json Summary(const CharacterizeResult& result) {
  nlohmann::json stimuli = nlohmann::json::object();
  for (const Stimulus& stimulus : result.stimuli) {
    double low = 1e300;
    double high = 0;
    double sum = 0;
    int lowest_weight = 0;
    for (int weight = -128; weight < 128; ++weight) {
      const double energy = result.Energy(weight, stimulus.name);
      if (energy < low) {
        low = energy;
        lowest_weight = weight;
      }
      high = std::max(high, energy);
      sum += energy;
    }
    stimuli[stimulus.name] = {{"min_fj", low},
                              {"max_fj", high},
                              {"mean_fj", sum / 256},
                              {"cheapest_weight", lowest_weight},
                              {"weight_0_fj", result.Energy(0, stimulus.name)},
                              {"psum_msb_hd", stimulus.psum_msb_distance}};
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const SanityCheck& check : result.checks) {
    checks.push_back({{"check", check.name}, {"passed", check.passed}, {"detail", check.detail}});
  }
  nlohmann::json categories = nlohmann::json::object();
  for (const auto& [name, energy] : result.category_fj) {
    categories[name] = energy;
  }
  nlohmann::json nets = nlohmann::json::array();
  for (const auto& [name, energy] : result.top_nets_fj) {
    nets.push_back({{"net", name}, {"fj_per_cycle", energy}});
  }
  return {
      {"measurement", MeasurementName(result.measurement)},
      {"scope", "pe"},
      {"liberty", result.liberty.string()},
      {"voltage_v", result.voltage_v},
      {"pe",
       {{"cells", result.pe_cells},
        {"flip_flops", result.pe_flip_flops},
        {"area", result.pe_area}}},
      {"clock_fj_per_cycle", result.clock_fj_per_cycle},
      {"cycles_per_entry", result.rows.empty() ? 0 : result.rows.front().cycles},
      {"stimuli", stimuli},
      {"uniform_breakdown_fj_per_cycle", categories},
      {"uniform_top_nets", nets},
      {"equivalence",
       {{"pe_cycles", result.equivalence_pe_cycles},
        {"mismatches", result.equivalence_mismatches}}},
      {"checks", checks},
      {"timed_vs_zero_delay", ComparisonsJson(result)},
      {"passed", result.passed()},
      {"seconds", result.seconds},
  };
}

}  // namespace

void WriteCharacterization(const std::filesystem::path& dir, const CharacterizeResult& result) {
  WriteFileAtomically(dir / "mac_energy.csv", LongCsv(result));
  WriteFileAtomically(dir / "mac_energy_by_weight.csv", WideCsv(result));
  WriteJsonAtomically(dir / "characterize.json", Summary(result));

  // Columns of the wide CSV: weight, uniform, conv, hd0..hdN, sign flip, same sign.
  const std::size_t classes = result.stimuli.size();
  const std::string data = GnuplotQuoted(dir / "mac_energy_by_weight.csv");
  PlotPng(dir / "mac_energy.png", [&](const std::string& output) {
    return fmt::format(
        "set terminal pngcairo size 900,560\nset output {}\nset datafile separator ','\n"
        "set title 'Gate-level MAC energy per PE cycle ({})'\nset xlabel 'weight'\n"
        "set ylabel 'energy per cycle (fJ)'\nset key outside right\nset grid\n"
        "plot {} using 1:2 skip 1 with lines title 'uniform activations', "
        "'' using 1:3 skip 1 with lines title 'Fashion-MNIST conv', "
        "'' using 1:4 skip 1 with lines title 'psum MSB distance 0', "
        "'' using 1:{} skip 1 with lines title 'psum MSB distance max', "
        "'' using 1:{} skip 1 with lines title 'psum sign flips'\n",
        output, MeasurementName(result.measurement), data, classes - 1, classes);
  });
  if (!Timed(result)) {
    return;
  }
  WriteFileAtomically(dir / "glitch_by_weight.csv", GlitchCsv(result));
  // Columns: weight, then timed, zero-delay and glitch share for uniform, then for conv.
  const std::string glitch = GnuplotQuoted(dir / "glitch_by_weight.csv");
  PlotPng(dir / "mac_energy_modes.png", [&](const std::string& output) {
    return fmt::format(
        "set terminal pngcairo size 900,560\nset output {}\nset datafile separator ','\n"
        "set title 'MAC energy per PE cycle: timed (glitches) and zero-delay'\n"
        "set xlabel 'weight'\nset ylabel 'energy per cycle (fJ)'\nset y2label 'glitch share'\n"
        "set y2tics\nset key below\nset grid\n"
        "plot {} using 1:2 skip 1 with lines title 'timed, uniform', "
        "'' using 1:3 skip 1 with lines title 'zero-delay, uniform', "
        "'' using 1:5 skip 1 with lines title 'timed, conv', "
        "'' using 1:6 skip 1 with lines title 'zero-delay, conv', "
        "'' using 1:4 skip 1 axes x1y2 with points pt 7 ps 0.4 title 'glitch share, uniform'\n",
        output, glitch);
  });
}

CharacterizeResult CharacterizeLibrary(const CharacterizeSpec& spec,
                                       const std::filesystem::path& dir) {
  constexpr int kConvImages = 8;  // real activation streams come from these test images
  // The array size of the netlist mapped at build time: Yosys' PE netlist depends slightly on
  // the design around it, so the same size gives the same PE everywhere.
  constexpr tb::ArrayShape kMappedArray{POWERSEL_GATE_ARRAY_SIZE, POWERSEL_GATE_ARRAY_SIZE};
  // Inputs first: a malformed library fails here, with its line, before anything is written.
  ReadLiberty(spec.liberty);
  const auto images = ReadIdxImages(kFashionMnistTestImages, kConvImages);
  EnsureOutputDirectory(dir, "--out");
  const MappedDesign design = MapArrayToLibrary(spec.liberty, kMappedArray, dir / "synth", spec.pe);
  CharacterizeResult result = Characterize(spec, design, images);
  WriteCharacterization(dir, result);
  return result;
}

}  // namespace powersel::power
