// The whole-network estimate against the per-tile model on the same captured run: its weight
// loads, computed from the weights alone, must equal the loads the activity counted, and with
// one weight value per layer (where averaging a row's pairs loses nothing) every scope must
// equal the per-tile prediction.
#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <vector>

#include "powersel/model/array_streams.hpp"
#include "powersel/model/network_estimate.hpp"

using namespace powersel;
using model::NetworkEstimate;
using model::PeActivity;

namespace {

constexpr tb::ArrayShape kArray{4, 4};
constexpr int kImages = 2;

struct Gemm {
  int m;
  int k;
  int n;
};
// A convolution-like GEMM (several K and N tiles, a ragged edge) and an FC-like one (M = 1).
const std::vector<Gemm> kGemms = {{9, 6, 7}, {1, 10, 3}};

// A run of the GEMMs on the stream model, every tile's activity captured as a network's
// statistics are, and the per-tile prediction summed per GEMM.
struct CapturedRun {
  std::vector<std::unique_ptr<PeActivity>> activities;
  std::vector<model::CapturedTile> tiles;
  std::vector<model::ScopedEnergy> predicted;
};

CapturedRun Capture(const model::MacTable& table, const std::vector<Matrix<std::int8_t>>& weights,
                    const power::EdgeFlipFlopEnergy& edge, std::mt19937_64& rng) {
  CapturedRun run;
  run.predicted.resize(weights.size());
  model::ArrayStreamModel array({.shape = kArray});
  PeActivity running(kArray, table.classes());
  std::vector<std::int8_t> pe_weights(16, 0);
  std::vector<std::uint8_t> used(16, 0);
  const model::PeVisitor observe = [&](std::span<const tb::PeInputs> pes) {
    running.Observe(pes, pe_weights);
  };
  for (int image = 0; image < kImages; ++image) {
    for (std::size_t g = 0; g < kGemms.size(); ++g) {
      Matrix<std::uint8_t> activations(kGemms[g].m, kGemms[g].k);
      for (auto& a : activations.values()) {
        a = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0 : rng());
      }
      for (const tb::TileCoord& coord : tb::PlanTiles(kGemms[g].k, kGemms[g].n, kArray)) {
        std::fill(pe_weights.begin(), pe_weights.end(), std::int8_t{0});
        std::fill(used.begin(), used.end(), std::uint8_t{0});
        for (int k = 0; k < coord.k_size; ++k) {
          for (int n = 0; n < coord.n_size; ++n) {
            pe_weights[static_cast<std::size_t>(k * 4 + n)] =
                weights[g](coord.k_begin + k, coord.n_begin + n);
            used[static_cast<std::size_t>(k * 4 + n)] = 1;
          }
        }
        array.LoadWeights(tb::SliceWeights(weights[g], coord), observe);
        array.Stream(tb::SliceActivations(activations, coord), {}, observe);
        running.Seal();
        run.predicted[g] += model::PredictRun(table, running, {pe_weights, used}, edge);
        run.activities.push_back(std::make_unique<PeActivity>(running));
        run.tiles.push_back({static_cast<int>(g), coord, run.activities.back().get()});
        running = running.Continuation();
      }
    }
  }
  return run;
}

// Whole numbers of fJ: exact in the estimate's single-precision load table too.
model::MacTable RandomTable(bool streaming, std::mt19937_64& rng) {
  const model::TransitionClasses classes(model::GroupingSpec{});
  std::uniform_int_distribution<int> energy(100, 1000);
  std::vector<double> loads(model::TransitionClasses::kLoadClasses);
  for (double& e : loads) {
    e = energy(rng);
  }
  std::vector<double> datapath(
      static_cast<std::size_t>(256 * classes.activation_classes() * classes.psum_groups()), 0);
  for (double& e : datapath) {
    e = streaming ? energy(rng) : 0;
  }
  // Clock gates' load and valid energies too: both models must add them alike.
  const power::PeClockEnergy clock =
      streaming ? power::PeClockEnergy{50, 7, 3} : power::PeClockEnergy{};
  return model::MacTable(power::Measurement::kZeroDelay, classes, clock, std::move(loads),
                         std::move(datapath));
}

std::vector<Matrix<std::int8_t>> Weights(bool constant, std::mt19937_64& rng) {
  std::vector<Matrix<std::int8_t>> weights;
  for (const Gemm& gemm : kGemms) {
    const auto value = static_cast<std::int8_t>(rng());
    Matrix<std::int8_t> w(gemm.k, gemm.n);
    for (auto& x : w.values()) {
      x = constant ? value : static_cast<std::int8_t>(rng() % 4 == 0 ? 0 : rng());
    }
    weights.push_back(std::move(w));
  }
  return weights;
}

std::vector<std::pair<int, int>> Shapes() {
  std::vector<std::pair<int, int>> shapes;
  for (const Gemm& gemm : kGemms) {
    shapes.emplace_back(gemm.k, gemm.n);
  }
  return shapes;
}

}  // namespace

TEST_CASE("the estimate's weight loads are the loads the array's activity counted", "[model]") {
  std::mt19937_64 rng(GENERATE(1, 2, 3));
  const model::MacTable table = RandomTable(false, rng);
  const power::EdgeFlipFlopEnergy no_edges{};
  const std::vector<Matrix<std::int8_t>> weights = Weights(false, rng);
  const CapturedRun run = Capture(table, weights, no_edges, rng);
  const NetworkEstimate estimate(table, kArray, Shapes(), run.tiles, no_edges);
  const std::vector<model::ScopedEnergy> estimated = estimate.Estimate(weights);
  for (std::size_t g = 0; g < kGemms.size(); ++g) {
    CAPTURE(g);
    REQUIRE(run.predicted[g].datapath > 0);
    CHECK(estimated[g].datapath == Approx(run.predicted[g].datapath).epsilon(1e-12));
    CHECK(estimated[g].array == Approx(run.predicted[g].array).epsilon(1e-12));
  }
}

TEST_CASE("with one weight value per layer the estimate is the per-tile prediction", "[model]") {
  std::mt19937_64 rng(GENERATE(4, 5));
  const model::MacTable table = RandomTable(true, rng);
  const power::EdgeFlipFlopEnergy edge{3.0, 7.0};
  const std::vector<Matrix<std::int8_t>> weights = Weights(true, rng);
  const CapturedRun run = Capture(table, weights, edge, rng);
  const NetworkEstimate estimate(table, kArray, Shapes(), run.tiles, edge);
  const std::vector<model::ScopedEnergy> estimated = estimate.Estimate(weights);
  for (std::size_t g = 0; g < kGemms.size(); ++g) {
    CAPTURE(g);
    CHECK(estimated[g].datapath == Approx(run.predicted[g].datapath).epsilon(1e-12));
    CHECK(estimated[g].pe == Approx(run.predicted[g].pe).epsilon(1e-12));
    CHECK(estimated[g].array == Approx(run.predicted[g].array).epsilon(1e-12));
  }
  // E_l(w) at the layer's own value prices its streaming cycles.
  const std::vector<double> curve = estimate.WeightEnergy(0);
  CHECK(curve[static_cast<std::size_t>(weights[0](0, 0) + 128)] > 0);
}

TEST_CASE("an estimate of another shape is refused", "[model]") {
  std::mt19937_64 rng(6);
  const model::MacTable table = RandomTable(false, rng);
  const std::vector<Matrix<std::int8_t>> weights = Weights(false, rng);
  const CapturedRun run = Capture(table, weights, {}, rng);
  const NetworkEstimate estimate(table, kArray, Shapes(), run.tiles, {});
  CHECK_THROWS_AS(estimate.Estimate(std::span(weights).first(1)), std::invalid_argument);
  std::vector<Matrix<std::int8_t>> wrong = weights;
  wrong[1] = Matrix<std::int8_t>(3, 10);
  CHECK_THROWS_AS(estimate.Estimate(wrong), std::invalid_argument);
}
