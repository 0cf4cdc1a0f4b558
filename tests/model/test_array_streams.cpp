// The C++ stream model against the Verilated RTL: every PE's inputs on every edge, the cycle
// counts and the outputs must equal what tb::Harness records, over random call sequences.
#include <catch2/catch.hpp>
#include <climits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../tb/array_fixtures.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/model/array_streams.hpp"
#include "powersel/model/tile_mapping.hpp"
#include "powersel/power/pe_features.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/reference.hpp"

using powersel::Matrix;
using powersel::model::ArrayStreamModel;
using powersel::model::PeVisitor;
using powersel::tb::ArrayShape;
using powersel::tb::ArrayTrace;
using powersel::tb::Harness;
using powersel::tb::PeInputs;

namespace {

// Uniform values, with the extremes and their neighbours drawn often: they are where a sign
// or width slip would show.
template <typename T>
T Draw(std::mt19937_64& rng, std::initializer_list<int> extremes) {
  std::uniform_int_distribution<int> pick(0, 9);
  if (pick(rng) < 3) {
    std::uniform_int_distribution<std::size_t> which(0, extremes.size() - 1);
    return static_cast<T>(*(extremes.begin() + which(rng)));
  }
  std::uniform_int_distribution<int> value(std::numeric_limits<T>::min(),
                                           std::numeric_limits<T>::max());
  return static_cast<T>(value(rng));
}

Matrix<std::int8_t> Weights(int k, int n, std::mt19937_64& rng) {
  Matrix<std::int8_t> weights(k, n);
  for (auto& w : weights.values()) {
    w = Draw<std::int8_t>(rng, {-128, 127, 0, -1, 1});
  }
  return weights;
}

Matrix<std::uint8_t> Activations(int m, int k, std::mt19937_64& rng) {
  Matrix<std::uint8_t> activations(m, k);
  for (auto& a : activations.values()) {
    a = Draw<std::uint8_t>(rng, {0, 255, 1, 128});
  }
  return activations;
}

// Empty (zeros), in range, at the 22-bit limits, or raw values the pins truncate.
std::vector<std::int32_t> PsumTop(int cols, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> kind(0, 3);
  std::vector<std::int32_t> top;
  switch (kind(rng)) {
    case 0:
      break;
    case 1: {
      std::uniform_int_distribution<std::int32_t> value(-2'097'152, 2'097'151);
      for (int c = 0; c < cols; ++c) {
        top.push_back(value(rng));
      }
      break;
    }
    case 2:
      for (int c = 0; c < cols; ++c) {
        top.push_back(c % 2 == 0 ? 2'097'151 : -2'097'152);
      }
      break;
    default:
      for (int c = 0; c < cols; ++c) {
        top.push_back(c % 2 == 0 ? INT32_MAX : INT32_MIN + c);
      }
  }
  return top;
}

std::string Describe(const PeInputs& pe) {
  std::ostringstream text;
  text << "{act " << int{pe.act} << ", valid " << pe.act_valid << ", psum " << pe.psum
       << ", weight " << int{pe.weight} << ", shift " << pe.shift << ", rst_n " << pe.rst_n << "}";
  return text.str();
}

// The first entry where the two differ, or "" if they are equal.
std::string FirstDifference(const ArrayTrace& rtl, std::span<const PeInputs> model) {
  const std::size_t pes = static_cast<std::size_t>(rtl.shape.rows * rtl.shape.cols);
  if (rtl.pe_inputs.size() != model.size()) {
    return "RTL " + std::to_string(rtl.pe_inputs.size() / pes) + " edges, model " +
           std::to_string(model.size() / pes);
  }
  for (std::size_t i = 0; i < model.size(); ++i) {
    if (!(rtl.pe_inputs[i] == model[i])) {
      return "edge " + std::to_string(i / pes) + " PE (" +
             std::to_string(i % pes / static_cast<std::size_t>(rtl.shape.cols)) + ", " +
             std::to_string(i % static_cast<std::size_t>(rtl.shape.cols)) + "): RTL " +
             Describe(rtl.pe_inputs[i]) + ", model " + Describe(model[i]);
    }
  }
  return "";
}

void RequireSamePorts(const ArrayTrace& rtl, const ArrayTrace& model) {
  REQUIRE(rtl.ports.size() == model.ports.size());
  for (std::size_t t = 0; t < rtl.ports.size(); ++t) {
    CAPTURE(t);
    REQUIRE(rtl.ports[t].rst_n == model.ports[t].rst_n);
    REQUIRE(rtl.ports[t].wload_valid == model.ports[t].wload_valid);
    REQUIRE(rtl.ports[t].wload_row == model.ports[t].wload_row);
    REQUIRE(rtl.ports[t].act_valid == model.ports[t].act_valid);
    REQUIRE(rtl.ports[t].activations == model.ports[t].activations);
    REQUIRE(rtl.ports[t].psum_top == model.ports[t].psum_top);
    REQUIRE(rtl.ports[t].col_enable == model.ports[t].col_enable);
  }
}

// The Harness and the model side by side; the model's visitor output is kept as well, to
// check that it is the recorded trace.
class Lockstep {
 public:
  // A clock-gated `pe`: the Verilated low-power array (its idle columns off where `pe` says)
  // against the stream model of gated PEs.
  explicit Lockstep(ArrayShape shape, const powersel::power::PeFeatures& pe = {})
      : harness_(Recording(powersel::power::RtlArrayOptions(shape, pe))),
        visitor_([this](std::span<const PeInputs> pes) {
          visited_.insert(visited_.end(), pes.begin(), pes.end());
        }),
        model_({.shape = shape,
                .record_trace = true,
                .clock_gating = pe.clock_gating,
                .idle_column_gating = pe.idle_column_gating},
               visitor_) {
    REQUIRE(model_.cycles() == harness_.cycles());
  }

  void Reset() {
    harness_.Reset();
    model_.Reset(visitor_);
    REQUIRE(model_.cycles() == harness_.cycles());
  }

  void LoadWeights(const Matrix<std::int8_t>& weights) {
    harness_.LoadWeights(weights);
    model_.LoadWeights(weights, visitor_);
    REQUIRE(model_.cycles() == harness_.cycles());
  }

  void Stream(const Matrix<std::uint8_t>& activations, std::span<const std::int32_t> top) {
    const std::uint64_t before = harness_.cycles();
    const Matrix<std::int32_t> rtl = harness_.Stream(activations, top);
    REQUIRE(model_.Stream(activations, top, visitor_) == rtl);
    REQUIRE(model_.cycles() == harness_.cycles());
    REQUIRE(harness_.cycles() - before == static_cast<std::uint64_t>(powersel::model::StreamCycles(
                                              activations.rows(), harness_.shape())));
  }

  // Compares everything recorded since the last call.
  void RequireSameTraces() {
    const ArrayTrace rtl = harness_.TakeTrace();
    model_.Flush(visitor_);
    const ArrayTrace model = model_.TakeTrace();
    REQUIRE(FirstDifference(rtl, model.pe_inputs) == "");
    REQUIRE(FirstDifference(rtl, visited_) == "");
    RequireSamePorts(rtl, model);
    visited_.clear();
  }

 private:
  static powersel::tb::HarnessOptions Recording(powersel::tb::HarnessOptions options) {
    options.record_trace = true;
    return options;
  }

  Harness harness_;
  std::vector<PeInputs> visited_;
  PeVisitor visitor_;
  ArrayStreamModel model_;
};

}  // namespace

TEST_CASE("the stream model sees what the RTL's PEs see, edge by edge", "[model]") {
  const int size = GENERATE(4, 8);
  const std::uint64_t seed = GENERATE(1, 2, 3);
  // Clock-gated PEs hold their activation and partial sum between valid cycles, so their
  // neighbours see other streams, and with idle columns off no valid enters the columns a
  // tile leaves unused: the low-power array (4x4 in every build) against the model's streams.
  using powersel::power::PeFeatures;
  const PeFeatures pe = GENERATE(PeFeatures{}, PeFeatures{.clock_gating = true},
                                 PeFeatures{.clock_gating = true, .idle_column_gating = true});
  CAPTURE(size, seed, pe.clock_gating, pe.idle_column_gating);
  if (!powersel::tb::testing::ArrayBuilt({size, size}) || (pe.clock_gating && size != 4)) {
    return;
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> k_size(1, size);
  std::uniform_int_distribution<int> n_size(1, size);
  std::uniform_int_distribution<int> m_size(1, 2 * size + 3);
  const auto random_load = [&](Lockstep& pair) {
    pair.LoadWeights(Weights(k_size(rng), n_size(rng), rng));
  };
  const auto random_stream = [&](Lockstep& pair, int k) {
    pair.Stream(Activations(m_size(rng), k, rng), PsumTop(size, rng));
  };

  Lockstep pair({size, size}, pe);
  // The construction reset alone first: its open last edge is completed by TakeTrace.
  pair.RequireSameTraces();

  // Scripted: back-to-back streams without a reload, a reset between streams (the weights
  // survive it), an empty stream, a full tile, two loads in a row.
  random_load(pair);
  random_stream(pair, size);
  random_stream(pair, size / 2);
  pair.Reset();
  random_stream(pair, size);
  pair.LoadWeights(Weights(size, size, rng));
  pair.Stream(Matrix<std::uint8_t>(0, size), PsumTop(size, rng));
  random_stream(pair, size);
  random_load(pair);
  random_load(pair);
  random_stream(pair, 1);
  pair.RequireSameTraces();

  // Then random calls, compared in two pieces so that a trace taken mid-run is checked too.
  std::uniform_int_distribution<int> op(0, 9);
  for (int piece = 0; piece < 2; ++piece) {
    for (int call = 0; call < 12; ++call) {
      const int which = op(rng);
      if (which == 0) {
        pair.Reset();
      } else if (which < 4) {
        random_load(pair);
      } else {
        random_stream(pair, k_size(rng));
      }
    }
    pair.RequireSameTraces();
  }
}

TEST_CASE("the stream model computes the integer reference on arrays without RTL", "[model]") {
  // Non-square shapes have no Verilated model in the build; the model is generic.
  const ArrayShape shape = GENERATE(ArrayShape{3, 5}, ArrayShape{5, 3}, ArrayShape{1, 1});
  CAPTURE(shape.rows, shape.cols);
  std::mt19937_64 rng(11);
  ArrayStreamModel model({.shape = shape});
  for (int tile = 0; tile < 4; ++tile) {
    const auto weights = Weights(shape.rows, shape.cols, rng);
    const auto activations = Activations(7, shape.rows, rng);
    const auto top = PsumTop(shape.cols, rng);
    model.LoadWeights(weights);
    const std::uint64_t before = model.cycles();
    REQUIRE(model.Stream(activations, top) ==
            powersel::tb::ReferenceTile(activations, weights, top));
    REQUIRE(model.cycles() - before ==
            static_cast<std::uint64_t>(powersel::model::StreamCycles(7, shape)));
  }
}

TEST_CASE("the stream model refuses what the Harness refuses", "[model]") {
  ArrayStreamModel model({.shape = {4, 4}});
  CHECK_THROWS_AS(model.LoadWeights(Matrix<std::int8_t>(5, 4)), powersel::InputError);
  CHECK_THROWS_AS(model.Stream(Matrix<std::uint8_t>(2, 5)), powersel::InputError);
  const std::vector<std::int32_t> three(3, 0);
  CHECK_THROWS_AS(model.Stream(Matrix<std::uint8_t>(2, 4), three), powersel::InputError);
  CHECK_THROWS_AS(ArrayStreamModel({.shape = {0, 4}}), powersel::InputError);
  CHECK_THROWS_AS(model.TakeTrace(), std::logic_error);
}
