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

std::string LongCsv(const CharacterizeResult& result) {
  std::string csv = "weight,stimulus,psum_msb_hd,cycles,energy_fj\n";
  for (const MacEnergyRow& row : result.rows) {
    csv += fmt::format("{},{},{},{},{:.4f}\n", row.weight, row.stimulus.name,
                       row.stimulus.psum_msb_distance, row.cycles, row.energy_fj);
  }
  return csv;
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
        "set title 'Gate-level MAC energy per PE cycle'\nset xlabel 'weight'\n"
        "set ylabel 'energy per cycle (fJ)'\nset key outside right\nset grid\n"
        "plot {} using 1:2 skip 1 with lines title 'uniform activations', "
        "'' using 1:3 skip 1 with lines title 'Fashion-MNIST conv', "
        "'' using 1:4 skip 1 with lines title 'psum MSB distance 0', "
        "'' using 1:{} skip 1 with lines title 'psum MSB distance max', "
        "'' using 1:{} skip 1 with lines title 'psum sign flips'\n",
        output, data, classes - 1, classes);
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
  const MappedDesign design = MapArrayToLibrary(spec.liberty, kMappedArray, dir / "synth");
  CharacterizeResult result = Characterize(spec, design.netlist_json, images);
  WriteCharacterization(dir, result);
  return result;
}

}  // namespace powersel::power
