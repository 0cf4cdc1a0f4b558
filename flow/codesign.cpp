#include "powersel/flow/codesign.hpp"

#include <chrono>

#include "powersel/common/files.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/flow/compress_choice.hpp"
#include "powersel/flow/correlate.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "powersel/tb/harness.hpp"

namespace powersel::flow {

namespace {

// Test images whose convolution streams the characterisation measures each weight on.
constexpr int kConvImages = 8;

// The per-cycle energy of the trained network's weights on real streams: the mean over its
// weights of the characterisation's conv energy.
double NetworkAverage(const power::CharacterizeResult& result, const qat::QuantizedNetwork& net) {
  double sum = 0;
  double count = 0;
  for (const qat::QuantLayer& layer : net.layers) {
    for (const std::int8_t w : layer.weights) {
      sum += result.Energy(w, "conv");
      count += 1;
    }
  }
  return count > 0 ? sum / count : 0;
}

NetworkOnPe SumOf(const CorrelateResult& measured, const std::string& network) {
  NetworkOnPe sum;
  for (const LayerEstimate& layer : measured.estimates) {
    if (layer.network == network) {
      sum.measured += layer.measured;
      sum.predicted += layer.own;
    }
  }
  return sum;
}

}  // namespace

model::ScopedEnergy CodesignResult::HeadlineReduction(bool predicted) const {
  const AblationRow& plain_pe = ablation.front();
  const AblationRow& low_power = ablation.back();
  return predicted ? model::Saving(low_power.ours.predicted, plain_pe.plain.predicted)
                   : model::Saving(low_power.ours.measured, plain_pe.plain.measured);
}

CodesignResult Codesign(const CodesignSpec& spec, const std::filesystem::path& run_dir,
                        const qat::ImageDataset& test, const std::filesystem::path& out) {
  const auto start = std::chrono::steady_clock::now();
  // The clock-gated rows replay traces of the Verilated low-power array.
  tb::CheckHarnessOptions(power::RtlArrayOptions(spec.array, power::LowPowerPe()));
  const CompressChoice choice =
      ReadCompressChoice((spec.compressed.empty() ? run_dir : spec.compressed) / "compress.json");
  const std::vector<NetworkVariant> networks = {
      {"plain", qat::ReadQuantizedNetwork(run_dir / "network.qnet.json")},
      {"ours", qat::ReadQuantizedNetwork(choice.ours)}};
  for (const NetworkVariant& network : networks) {
    qat::CheckInputShape(network.network, test);
  }
  const auto images = ReadIdxImages(kFashionMnistTestImages, kConvImages);
  EnsureOutputDirectory(out / "codesign", "--out");

  CodesignResult result;
  result.measurement = spec.measurement;
  result.array = spec.array;
  if (choice.ours_test_top1 >= 0 && choice.trained_test_top1 >= 0) {
    result.ours_top1_drop = 100 * (choice.trained_test_top1 - choice.ours_test_top1);
  }
  const LayerInputs inputs = CaptureLayerInputs(networks.front().network, test, spec.images);
  for (const auto& [name, features] : power::PeFeatureSets()) {
    // The PE mapped with these features (the build's own mapping for the plain one), its MAC
    // table on real streams, then the characterisation on the same netlist.
    model::MacTableSpec table_spec;
    table_spec.liberty = spec.liberty;
    table_spec.measurement = spec.measurement;
    table_spec.seed = spec.seed;
    table_spec.threads = spec.threads;
    table_spec.pe = features;
    table_spec.cycles_per_class = spec.cycles_per_class;
    constexpr std::size_t kSampleCycles = 20'000;
    const RunTable run_table =
        MeasureRunTable(table_spec, networks.front().network, inputs, spec.array, spec.seed,
                        kSampleCycles, out / "codesign");
    power::CharacterizeSpec characterize;
    characterize.liberty = spec.liberty;
    characterize.seed = spec.seed;
    characterize.threads = spec.threads;
    characterize.cycles = spec.cycles;
    characterize.measurement = spec.measurement;
    characterize.pe = features;
    const power::CharacterizeResult characterization =
        power::Characterize(characterize, run_table.design, images);
    std::filesystem::create_directories(out / "codesign" / name);
    power::WriteCharacterization(out / "codesign" / name, characterization);

    CorrelateSpec correlate;
    correlate.array = spec.array;
    correlate.images = spec.images;
    correlate.table = table_spec;
    correlate.seed = spec.seed;
    correlate.threads = spec.threads;
    const CorrelateResult measured =
        Correlate(correlate, run_table.design, run_table.table, networks, test);

    AblationRow row;
    row.name = name;
    row.features = features;
    row.cells = characterization.pe_cells;
    row.flip_flops = characterization.pe_flip_flops;
    row.area = characterization.pe_area;
    row.equivalent =
        characterization.equivalence_pe_cycles > 0 && characterization.equivalence_mismatches == 0;
    row.weight0_fj = characterization.Energy(0, "conv");
    row.plus1_fj = characterization.Energy(1, "conv");
    row.minus1_fj = characterization.Energy(-1, "conv");
    row.network_average_fj = NetworkAverage(characterization, networks.front().network);
    row.plain = SumOf(measured, "plain");
    row.ours = SumOf(measured, "ours");
    result.ablation.push_back(row);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace powersel::flow
