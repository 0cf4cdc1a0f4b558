// Training on a tiny subset: the integer engine agrees with the fake-quantised network, and
// an interrupted run resumes to exactly the result of an uninterrupted one.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
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
  // The same integers, up to a rare rounding tie: at most 1 image in 1,000 may be classified
  // differently, and the accuracies can differ by no more than the disagreements allow.
  CHECK(result.int_disagreements <= 1);
  CHECK(std::abs(result.qat_top1 - result.int_top1) * 1000 <=
        static_cast<double>(result.int_disagreements) + 1e-9);
  const QuantizedNetwork network = ReadQuantizedNetwork(result.network);
  CHECK(network.model == "lenet5");
  CHECK(network.layers.front().weights.size() == 6 * 25);
}

std::string FileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_CASE("an interrupted training run resumes to the uninterrupted result", "[qat]") {
  TrainSpec spec = TinySpec();
  spec.qat_epochs = 2;
  const TrainResult straight = Train(spec, FreshDir("powersel_train_straight"));
  REQUIRE(straight.complete);
  const fs::path dir = FreshDir("powersel_train_resumed");
  // Stops after epoch 1 (inside the float phase), after epoch 3 (inside the QAT phase, the
  // phase boundary crossed in between), then runs to the end.
  spec.max_epochs_this_run = 1;
  const TrainResult first = Train(spec, dir);
  CHECK_FALSE(first.complete);
  CHECK(first.epochs.size() == 1);
  spec.max_epochs_this_run = 2;
  const TrainResult second = Train(spec, dir);
  CHECK_FALSE(second.complete);
  REQUIRE(second.epochs.size() == 3);
  CHECK(second.epochs.back().phase == "qat");
  spec.max_epochs_this_run = 0;
  const TrainResult last = Train(spec, dir);
  REQUIRE(last.complete);
  CHECK(last.resumed);
  CHECK(last.epochs.size() == 4);
  CHECK(last.float_top1 == straight.float_top1);
  CHECK(last.qat_top1 == straight.qat_top1);
  CHECK(last.int_top1 == straight.int_top1);
  CHECK(last.epochs.back().loss == straight.epochs.back().loss);
  // The exported networks are the same bytes: every weight, scale and bias.
  const std::string exported = FileBytes(last.network);
  CHECK_FALSE(exported.empty());
  CHECK(exported == FileBytes(straight.network));
}

TEST_CASE("a checkpoint of another configuration is refused", "[qat]") {
  const fs::path dir = FreshDir("powersel_train_other");
  TrainSpec spec = TinySpec();
  spec.max_epochs_this_run = 1;
  Train(spec, dir);
  spec.batch_size = 32;
  CHECK_THROWS_WITH(Train(spec, dir), Catch::Contains("another configuration"));
}
