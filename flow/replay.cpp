#include "powersel/flow/replay.hpp"

#include <algorithm>
#include <chrono>

#include "powersel/common/files.hpp"
#include "powersel/flow/correlate.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "powersel/tb/harness.hpp"

namespace powersel::flow {

namespace {

// The network with every weight 0: what the array spends whatever the weights.
qat::QuantizedNetwork Floor(qat::QuantizedNetwork network) {
  for (qat::QuantLayer& layer : network.layers) {
    std::fill(layer.weights.begin(), layer.weights.end(), 0);
  }
  return network;
}

std::vector<std::pair<std::string, model::LayerMapping>> MapNetwork(
    const qat::QuantizedNetwork& network, tb::ArrayShape array) {
  std::vector<std::pair<std::string, model::LayerMapping>> mapping;
  for (const qat::QuantLayer& layer : network.layers) {
    if (layer.IsGemm()) {
      const int pixels =
          layer.kind == qat::LayerKind::kConv ? layer.out_height * layer.out_width : 1;
      mapping.emplace_back(layer.name,
                           model::MapGemm(pixels, layer.GemmK(), layer.out_channels, array));
    }
  }
  return mapping;
}

ReplayedEnergy Sum(const std::string& name, const std::vector<ReplayedEnergy>& layers) {
  ReplayedEnergy total{name, {}, {}, {}};
  for (const ReplayedEnergy& layer : layers) {
    total.measured += layer.measured;
    total.rtl_toggle += layer.rtl_toggle;
    total.predicted += layer.predicted;
  }
  return total;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

bool ReplayResult::passed() const {
  for (const ReplayedNetwork& network : networks) {
    if (!network.rtl.passed()) {
      return false;
    }
  }
  return true;
}

model::ScopedEnergy ReplayResult::Reduction(const ReplayedEnergy& energy,
                                            model::ScopedEnergy ReplayedEnergy::*source) const {
  return model::Saving(energy.*source, networks.front().total.*source);
}

double ReplayResult::Top1Drop(const ReplayedNetwork& network) const {
  return 100 * (networks.front().rtl_top1 - network.rtl_top1);
}

ReplayResult Replay(const ReplaySpec& spec, const std::filesystem::path& run_dir,
                    const qat::ImageDataset& test, const std::filesystem::path& out) {
  const CompressChoice choice =
      ReadCompressChoice((spec.compressed.empty() ? run_dir : spec.compressed) / "compress.json");
  const std::vector<std::pair<std::string, std::filesystem::path>> files = {
      {"plain", run_dir / "network.qnet.json"},
      {"baseline", choice.baseline},
      {"ours", choice.ours}};
  std::vector<NetworkVariant> variants;
  for (const auto& [name, file] : files) {
    variants.push_back({name, qat::ReadQuantizedNetwork(file)});
    qat::CheckInputShape(variants.back().network, test);
  }
  // A clock-gated PE's traces come from the Verilated low-power array (its PEs hold as it does).
  tb::CheckHarnessOptions(power::RtlArrayOptions(spec.array, spec.table.pe));
  EnsureOutputDirectory(out, "--out");

  ReplayResult result;
  result.measurement = spec.table.measurement;
  result.array = spec.array;
  result.images = spec.images;
  result.threads = spec.threads;
  result.baseline_at_equal_accuracy = choice.baseline_at_equal_accuracy;

  result.pe = spec.table.pe;
  const std::size_t top1_images = spec.top1_images == 0 ? test.size() : spec.top1_images;
  const auto top1_start = std::chrono::steady_clock::now();
  for (std::size_t n = 0; n < variants.size(); ++n) {
    ReplayedNetwork network{files[n].first, files[n].second, {}, 0, {}, {}};
    network.rtl = CheckNetworkOnRtl(variants[n].network, test, top1_images, spec.array,
                                    spec.threads, result.pe);
    network.rtl_top1 = qat::Top1(network.rtl.predicted, test);
    result.networks.push_back(std::move(network));
  }
  result.top1_seconds = Seconds(top1_start);

  // The gate level and the model: the correlation of these three networks and the floor.
  result.mapping = MapNetwork(variants.front().network, spec.array);
  variants.push_back({"floor", Floor(variants.front().network)});
  const auto gate_start = std::chrono::steady_clock::now();
  const RunTable run_table =
      MeasureRunTable(spec.table, variants.front().network,
                      CaptureLayerInputs(variants.front().network, test, spec.images), spec.array,
                      spec.seed, spec.table_sample_cycles, out);
  CorrelateSpec correlate;
  correlate.array = spec.array;
  correlate.images = spec.images;
  correlate.table = spec.table;
  correlate.table_sample_cycles = spec.table_sample_cycles;
  correlate.seed = spec.seed;
  correlate.threads = spec.threads;
  const CorrelateResult measured =
      Correlate(correlate, run_table.design, run_table.table, variants, test);
  result.gate_seconds = Seconds(gate_start);

  const std::vector<TileEnergy> sums = measured.Layers();
  auto layers_of = [&](const std::string& name) {
    std::vector<ReplayedEnergy> layers;
    for (const LayerEstimate& estimate : measured.estimates) {
      if (estimate.network != name) {
        continue;
      }
      ReplayedEnergy layer{measured.layer_names[static_cast<std::size_t>(estimate.layer)],
                           estimate.measured,
                           {},
                           estimate.own};
      for (const TileEnergy& sum : sums) {
        if (sum.network == name && sum.layer == estimate.layer) {
          layer.rtl_toggle = sum.rtl_toggle;
        }
      }
      layers.push_back(layer);
    }
    return layers;
  };
  for (ReplayedNetwork& network : result.networks) {
    network.layers = layers_of(network.name);
    network.total = Sum("network", network.layers);
  }
  result.floor = Sum("network", layers_of("floor"));
  return result;
}

}  // namespace powersel::flow
