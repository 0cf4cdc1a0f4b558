// Training on a tiny subset: the integer engine agrees with the fake-quantised network, and
// an interrupted run resumes to exactly the result of an uninterrupted one.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "powersel/common/errors.hpp"
#include "powersel/qat/quantized_network.hpp"
#include "powersel/qat/train.hpp"

using namespace powersel::qat;
namespace fs = std::filesystem;

namespace {

TrainSpec TinySpec() {
  TrainSpec spec;
  spec.data.train_limit = 1500;
  spec.data.validation_size = 500;
  spec.data.test_limit = 1000;
  spec.float_epochs = 2;
  spec.qat_epochs = 1;
  spec.threads = 2;
  spec.seed = 9;
  spec.data.seed = 9;
  return spec;
}

fs::path FreshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  return dir;
}

}  // namespace

TEST_CASE("the integer engine matches the fake-quantised network it was exported from", "[qat]") {
  const TrainResult result = Train(TinySpec(), FreshDir("powersel_train_tiny"));
  REQUIRE(result.complete);
  CHECK(result.test_images == 1000);
  // Learning happened: far above the 10 % of chance after two passes over 1,500 images.
  CHECK(result.float_top1 > 0.5);
  // The same integers, up to a rare rounding tie: at most 1 image in 1,000 may differ.
  CHECK(std::abs(result.qat_top1 - result.int_top1) <= 0.001);
  // The trained network's GEMMs on the Verilated 16x16 array, bit for bit.
  CHECK(result.rtl_check_images == 4);
  CHECK(result.rtl_check_mismatches == 0);
  const QuantizedNetwork network = ReadQuantizedNetwork(result.network);
  CHECK(network.model == "lenet5");
  CHECK(network.layers.front().weights.size() == 6 * 25);
}

TEST_CASE("an interrupted training run resumes to the uninterrupted result", "[qat]") {
  const TrainResult straight = Train(TinySpec(), FreshDir("powersel_train_straight"));
  const fs::path dir = FreshDir("powersel_train_resumed");
  TrainSpec spec = TinySpec();
  spec.max_epochs_this_run = 1;
  const TrainResult first = Train(spec, dir);
  CHECK_FALSE(first.complete);
  CHECK(first.epochs.size() == 1);
  const TrainResult second = Train(spec, dir);  // the float phase's second epoch
  CHECK_FALSE(second.complete);
  spec.max_epochs_this_run = 0;
  const TrainResult last = Train(spec, dir);
  REQUIRE(last.complete);
  CHECK(last.resumed);
  CHECK(last.epochs.size() == 3);
  CHECK(last.float_top1 == straight.float_top1);
  CHECK(last.qat_top1 == straight.qat_top1);
  CHECK(last.int_top1 == straight.int_top1);
  CHECK(last.epochs.back().loss == straight.epochs.back().loss);
}

TEST_CASE("a checkpoint of another configuration is refused", "[qat]") {
  const fs::path dir = FreshDir("powersel_train_other");
  TrainSpec spec = TinySpec();
  spec.max_epochs_this_run = 1;
  Train(spec, dir);
  spec.batch_size = 32;
  CHECK_THROWS_WITH(Train(spec, dir), Catch::Contains("another configuration"));
}
