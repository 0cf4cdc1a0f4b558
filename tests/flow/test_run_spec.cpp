// Run configurations: defaults, overrides, and one-line errors for bad input.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "powersel/common/errors.hpp"
#include "powersel/flow/compress.hpp"
#include "powersel/flow/run.hpp"
#include "powersel/qat/quantized_network.hpp"

using namespace powersel::flow;

namespace {

std::filesystem::path WriteConfig(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("a configuration overrides only what it names", "[flow]") {
  const auto path = WriteConfig("powersel_cfg_ok.yaml",
                                "seed: 7\narray: {rows: 8}\nrtl_regress:\n  conv_tiles: 3\n");
  const RunSpec spec = LoadRunSpec(path);
  CHECK(spec.seed == 7);
  CHECK(spec.array.rows == 8);
  CHECK(spec.array.cols == DefaultRunSpec().array.cols);
  CHECK(spec.rtl_regress.conv_tiles == 3);
  CHECK(spec.rtl_regress.random_tiles == DefaultRunSpec().rtl_regress.random_tiles);
}

TEST_CASE("the stored configuration reads back to the same spec", "[flow]") {
  RunSpec spec = DefaultRunSpec();
  spec.seed = 42;
  spec.rtl_regress.extra_sizes = {4, 16};
  spec.compress.lambdas = {0.5, 250, 1e4};
  spec.compress.enabled = false;
  const RunSpec again = LoadRunSpec(WriteConfig("powersel_cfg_dump.yaml", DumpRunSpec(spec)));
  CHECK(again.seed == 42);
  CHECK(again.rtl_regress.extra_sizes == std::vector<int>{4, 16});
  CHECK(again.compress.lambdas == std::vector<double>{0.5, 250, 1e4});
  CHECK_FALSE(again.compress.enabled);
  CHECK(DumpRunSpec(again) == DumpRunSpec(spec));
}

TEST_CASE("stored paths read back exactly whatever characters they hold", "[flow]") {
  // Found by fuzz_run_config: a quoted path with a line break in it was written back raw
  // between quotes, and the stored config.yaml read back a different path (or none).
  const std::string path =
      GENERATE(std::string("/lib/a \"quoted\" name.lib"), std::string("C:\\liberty\\x.lib"),
               std::string("/lib/two\nlines\tand a tab.lib"));
  RunSpec spec = DefaultRunSpec();
  spec.characterize.liberty = path;
  spec.train.data.dir = path;
  const RunSpec again = ParseRunSpec(DumpRunSpec(spec), "config.yaml");
  CHECK(again.characterize.liberty == path);
  CHECK(again.train.data.dir == path);
  CHECK(DumpRunSpec(again) == DumpRunSpec(spec));
}

TEST_CASE("bad configurations name the file and the field", "[flow]") {
  using Catch::Contains;
  const auto unknown = WriteConfig("powersel_cfg_unknown.yaml", "rtl_regress:\n  tiles: 3\n");
  CHECK_THROWS_WITH(LoadRunSpec(unknown), Contains("rtl_regress.tiles: unknown key"));
  const auto wrong_type = WriteConfig("powersel_cfg_type.yaml", "seed: many\n");
  CHECK_THROWS_WITH(LoadRunSpec(wrong_type), Contains("seed: expected an integer"));
  const auto range = WriteConfig("powersel_cfg_range.yaml", "array: {rows: 65}\n");
  CHECK_THROWS_WITH(LoadRunSpec(range), Contains("array.rows: expected an integer in [1, 64]"));
  const auto list = WriteConfig("powersel_cfg_list.yaml", "rtl_regress: {extra_sizes: [4, x]}\n");
  CHECK_THROWS_WITH(LoadRunSpec(list), Contains("rtl_regress.extra_sizes[1]"));
  const auto lambdas = WriteConfig("powersel_cfg_lambdas.yaml", "compress: {lambdas: [100, -1]}\n");
  CHECK_THROWS_WITH(LoadRunSpec(lambdas), Contains("compress.lambdas[1]: expected a number in"));
  const auto drop = WriteConfig("powersel_cfg_drop.yaml", "compress: {max_accuracy_drop: 2}\n");
  CHECK_THROWS_WITH(LoadRunSpec(drop), Contains("compress.max_accuracy_drop"));
  const auto empty = WriteConfig("powersel_cfg_empty.yaml", "compress: {pools: []}\n");
  CHECK_THROWS_WITH(LoadRunSpec(empty), Contains("compress.pools: expected a non-empty list"));
  const auto broken = WriteConfig("powersel_cfg_broken.yaml", "seed: [1,\n");
  CHECK_THROWS_AS(LoadRunSpec(broken), powersel::InputError);
  CHECK_THROWS_WITH(LoadRunSpec("/nonexistent/run.yaml"), Contains("cannot open"));
}

TEST_CASE("a small run writes its config, the contract JSON and both reports", "[flow]") {
  RunSpec spec = DefaultRunSpec();
  spec.array = {4, 4};
  spec.rtl_regress = {6, 4, {8}};
  spec.characterize.cycles = 400;  // enough for the sanity checks to hold
  spec.train.float_epochs = 1;
  spec.train.qat_epochs = 1;
  spec.train.data.train_limit = 400;
  spec.train.data.validation_size = 100;
  spec.train.data.test_limit = 200;
  spec.compress.lambdas = {1000};
  spec.compress.pools = {32};
  spec.compress.epochs = 1;
  spec.compress.fine_tune_images = 200;
  const auto out = std::filesystem::temp_directory_path() / "powersel_small_run";
  std::filesystem::remove_all(out);
  const RunOutcome outcome = RunPipeline(spec, out);
  CHECK(outcome.passed);
  for (const char* file :
       {"config.yaml", "rtl-regress.json", "rtl-regress_toggles.csv", "rtl-regress-8x8.json",
        "characterize.json", "mac_energy.csv", "train.json", "network.qnet.json", "report.md",
        "report.html", "compress.json", "compress_pareto.csv", "compress/ours-lambda1000.json",
        "compress/baseline-pool32.qnet.json", "replay.json", "replay_layers.csv"}) {
    CAPTURE(file);
    CHECK(std::filesystem::exists(out / file));
  }
  // Every compressed network keeps to its allowed sets, layer by layer, and 0 is in each.
  for (const char* name : {"ours-lambda1000", "baseline-pool32"}) {
    CAPTURE(name);
    const auto point =
        nlohmann::json::parse(std::ifstream(out / "compress" / (std::string(name) + ".json")));
    const powersel::qat::QuantizedNetwork network =
        powersel::qat::ReadQuantizedNetwork(out / "compress" / (std::string(name) + ".qnet.json"));
    std::size_t gemm = 0;
    for (const powersel::qat::QuantLayer& layer : network.layers) {
      if (!layer.IsGemm()) {
        continue;
      }
      const auto set = point.at("sets").at(gemm++).get<std::vector<int>>();
      CHECK(std::find(set.begin(), set.end(), 0) != set.end());
      CHECK(static_cast<int>(set.size()) <= spec.compress.set_size);
      for (const std::int8_t w : layer.weights) {
        REQUIRE(std::find(set.begin(), set.end(), w) != set.end());
      }
    }
    CHECK(gemm == point.at("sets").size());
  }
  // A second compression into the same directory reads every network back instead of
  // fine-tuning it again, with the same figures.
  {
    const nlohmann::json first = nlohmann::json::parse(std::ifstream(out / "compress.json"));
    CompressSpec again;
    again.energy_weights = spec.compress.lambdas;
    again.baseline_pools = spec.compress.pools;
    again.fine_tune.epochs = spec.compress.epochs;
    again.fine_tune_images = static_cast<std::size_t>(spec.compress.fine_tune_images);
    again.table.cycles_per_class = spec.correlate.cycles_per_class;
    const CompressResult resumed = Compress(again, spec.train, out, out);
    REQUIRE(resumed.points.size() == 2);
    for (const CompressPoint& point : resumed.points) {
      CAPTURE(point.name);
      CHECK(point.reused);
    }
    CHECK(resumed.points[0].validation_top1 ==
          first.at("sweep").at(0).at("validation_top1").get<double>());
    CHECK(resumed.points[1].energy.datapath ==
          Approx(first.at("sweep").at(1).at("predicted_fj").at("datapath").get<double>())
              .epsilon(1e-12));
  }
  // Replay's top-1 comes from the RTL's logits over the whole (200-image) test split; compress
  // and train took theirs from the integer engine: bit-exact hardware gives the same.
  {
    const auto replay = nlohmann::json::parse(std::ifstream(out / "replay.json"));
    const auto compress = nlohmann::json::parse(std::ifstream(out / "compress.json"));
    CHECK(replay.at("passed").get<bool>());
    CHECK(replay.at("top1_images").get<int>() == 200);
    const auto& networks = replay.at("networks");
    REQUIRE(networks.size() == 3);
    CHECK(networks[0].at("rtl_top1").get<double>() ==
          Approx(compress.at("trained").at("test_top1").get<double>()).epsilon(1e-12));
    CHECK(networks[2].at("name") == "ours");
    CHECK(networks[2].at("rtl_top1").get<double>() ==
          Approx(compress.at("ours").at("test_top1").get<double>()).epsilon(1e-12));
    for (const auto& network : networks) {
      CAPTURE(network.at("name").get<std::string>());
      CHECK(network.at("rtl").at("mismatches").get<int>() == 0);
      // The network's total is the sum of its layers, as measured at the gate level.
      double datapath = 0;
      for (const auto& layer : network.at("layers")) {
        datapath += layer.at("measured_fj").at("datapath").get<double>();
      }
      CHECK(datapath > 0);
      CHECK(network.at("measured_fj").at("datapath").get<double>() ==
            Approx(datapath).epsilon(1e-9));
    }
  }
  std::ifstream json_file(out / "rtl-regress.json");
  const std::string json((std::istreambuf_iterator<char>(json_file)),
                         std::istreambuf_iterator<char>());
  for (const char* field : {"\"rows\": 4", "\"cols\": 4", "\"tiles\"", "\"mismatches\": 0",
                            "\"cycles\"", "\"toggles\""}) {
    CAPTURE(field);
    CHECK(json.find(field) != std::string::npos);
  }
  // No staging file is left behind.
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    CHECK(entry.path().string().find(".tmp") == std::string::npos);
  }
  std::filesystem::remove_all(out);
}

TEST_CASE("the RTL check of the trained network is configured and stored", "[flow]") {
  CHECK(DefaultRunSpec().rtl_check.images == 4);
  const RunSpec off =
      LoadRunSpec(WriteConfig("powersel_cfg_check.yaml", "rtl_check: {images: 0}\n"));
  CHECK(off.rtl_check.images == 0);
  CHECK(LoadRunSpec(WriteConfig("powersel_cfg_check2.yaml", DumpRunSpec(off))).rtl_check.images ==
        0);
  CHECK_THROWS_WITH(
      LoadRunSpec(WriteConfig("powersel_cfg_check3.yaml", "rtl_check: {images: -1}\n")),
      Catch::Contains("rtl_check.images"));
}

TEST_CASE("a training step passes only when complete and bit-exact on the RTL", "[flow]") {
  TrainStep step;
  step.training.complete = true;
  CHECK(step.passed());  // no check asked for
  step.rtl_check = NetworkRtlCheck{4, {8, 8}, 20, 0, {}, 0};
  CHECK(step.passed());
  step.rtl_check->mismatches = 1;
  CHECK_FALSE(step.passed());
  step.rtl_check->mismatches = 0;
  step.training.complete = false;  // stopped by max_epochs_this_run
  CHECK_FALSE(step.passed());
}

TEST_CASE("a mapping or a list used as a key is bad input", "[flow]") {
  CHECK_THROWS_AS(LoadRunSpec(WriteConfig("powersel_cfg_mapkey.yaml", "? {seed: 1}\n: 2\n")),
                  powersel::InputError);
  CHECK_THROWS_WITH(
      LoadRunSpec(WriteConfig("powersel_cfg_listkey.yaml", "train:\n  ? [a, b]\n  : 3\n")),
      Catch::Contains("train"));
}
