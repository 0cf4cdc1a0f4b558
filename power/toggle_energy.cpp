#include "powersel/power/toggle_energy.hpp"

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "powersel/power/replay.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/regression.hpp"
#include "powersel/tb/tiling.hpp"

namespace powersel::power {

namespace {

constexpr int kSignals = tb::kPeSignalCount;
// A convolution-like calibration GEMM streams this many rows per tile; an FC-like one, one.
constexpr int kConvRows = 24;
// Share of zero activations (post-ReLU streams are sparse) and of zero weights.
constexpr double kZeroActivations = 0.4;
constexpr double kZeroWeights = 0.2;

// Least squares without intercept over the signals in `active`, by the normal equations
// (Gaussian elimination with partial pivoting; five unknowns at most).
std::array<double, kSignals> SolveLeastSquares(const std::vector<std::array<double, kSignals>>& x,
                                               const std::vector<double>& y,
                                               const std::array<bool, kSignals>& active) {
  std::array<std::array<double, kSignals + 1>, kSignals> system{};
  for (std::size_t s = 0; s < x.size(); ++s) {
    for (int i = 0; i < kSignals; ++i) {
      for (int j = 0; j < kSignals; ++j) {
        system[i][j] += x[s][i] * x[s][j];
      }
      system[i][kSignals] += x[s][i] * y[s];
    }
  }
  for (int i = 0; i < kSignals; ++i) {
    if (!active[i]) {  // x_i = 0: its row becomes the identity
      for (int j = 0; j <= kSignals; ++j) {
        system[i][j] = i == j ? 1.0 : 0.0;
      }
      for (int r = 0; r < kSignals; ++r) {
        if (r != i) {
          system[r][i] = 0;
        }
      }
    }
  }
  for (int col = 0; col < kSignals; ++col) {
    int pivot = col;
    for (int r = col + 1; r < kSignals; ++r) {
      if (std::abs(system[r][col]) > std::abs(system[pivot][col])) {
        pivot = r;
      }
    }
    std::swap(system[col], system[pivot]);
    if (system[col][col] == 0) {
      throw std::runtime_error("toggle energy calibration: a signal never toggled");
    }
    for (int r = 0; r < kSignals; ++r) {
      if (r != col) {
        const double factor = system[r][col] / system[col][col];
        for (int j = col; j <= kSignals; ++j) {
          system[r][j] -= factor * system[col][j];
        }
      }
    }
  }
  std::array<double, kSignals> solution{};
  for (int i = 0; i < kSignals; ++i) {
    solution[i] = system[i][kSignals] / system[i][i];
  }
  return solution;
}

}  // namespace

double ToggleEnergyModel::PeDatapathFj(const tb::ToggleCounts& toggles, int row, int col) const {
  double energy = 0;
  for (int signal = 0; signal < kSignals; ++signal) {
    energy += fj_per_toggle[static_cast<std::size_t>(signal)] *
              static_cast<double>(toggles.Pe(row, col, static_cast<tb::PeSignal>(signal)));
  }
  return energy;
}

ToggleEnergyModel CalibrateToggleEnergy(const ToggleCalibrationSpec& spec,
                                        const GateNetlist& pe_netlist, const Library& library,
                                        const GateEnergyOptions& options,
                                        const NetlistDelays* delays,
                                        const EdgeFlipFlopEnergy& edge) {
  tb::Harness harness({.shape = spec.array,
                       .count_toggles = true,
                       .record_trace = true,
                       .low_power_pe = spec.low_power_array});
  harness.TakeTrace();  // the power-on reset is not calibrated on
  harness.ClearToggles();
  PeReplay replay(spec.array, pe_netlist, library, options, delays);
  ToggleEnergyModel model;
  model.edge = edge;

  std::mt19937_64 rng(spec.seed);
  tb::BellWeights bell;
  std::bernoulli_distribution zero_activation(kZeroActivations);
  std::bernoulli_distribution zero_weight(kZeroWeights);
  std::vector<std::array<double, kSignals>> toggles;
  std::vector<double> energy;
  std::vector<double> before(static_cast<std::size_t>(spec.array.rows * spec.array.cols), 0);
  std::vector<double> clock_before(before.size(), 0);
  for (int gemm = 0; gemm < spec.gemms; ++gemm) {
    const int m = gemm % 2 == 0 ? kConvRows : 1;
    const int k = 2 * spec.array.rows;
    const int n = 2 * spec.array.cols;
    Matrix<std::uint8_t> activations(m, k);
    for (auto& a : activations.values()) {
      a = zero_activation(rng) ? 0 : static_cast<std::uint8_t>(1 + rng() % 255);
    }
    Matrix<std::int8_t> weights(k, n);
    for (auto& w : weights.values()) {
      w = zero_weight(rng) ? 0 : bell(rng);
    }
    tb::RunTiledGemm(
        harness, activations, weights,
        [&](const tb::TileCoord&, const Matrix<std::uint8_t>&, const Matrix<std::int8_t>&,
            const Matrix<std::int32_t>&) {
          const tb::ArrayTrace trace = harness.TakeTrace();
          const tb::ToggleCounts counts = *harness.toggles();
          harness.ClearToggles();
          replay.Feed(trace);
          const std::vector<double> after = replay.PeEnergyFj();
          const std::vector<double> clock_after = replay.PeClockFj();
          for (int row = 0; row < spec.array.rows; ++row) {
            for (int col = 0; col < spec.array.cols; ++col) {
              const auto pe = static_cast<std::size_t>(row * spec.array.cols + col);
              std::array<double, kSignals> sample{};
              for (int signal = 0; signal < kSignals; ++signal) {
                sample[static_cast<std::size_t>(signal)] =
                    static_cast<double>(counts.Pe(row, col, static_cast<tb::PeSignal>(signal)));
              }
              toggles.push_back(sample);
              energy.push_back(after[pe] - before[pe] - (clock_after[pe] - clock_before[pe]));
            }
          }
          before = after;
          clock_before = clock_after;
        });
  }
  // Signals that come out below zero (collinear with another) are dropped and the rest
  // fitted again.
  std::array<bool, kSignals> active;
  active.fill(true);
  for (int round = 0; round < kSignals; ++round) {
    model.fj_per_toggle = SolveLeastSquares(toggles, energy, active);
    bool dropped = false;
    for (int signal = 0; signal < kSignals; ++signal) {
      if (active[static_cast<std::size_t>(signal)] &&
          model.fj_per_toggle[static_cast<std::size_t>(signal)] < 0) {
        active[static_cast<std::size_t>(signal)] = false;
        dropped = true;
      }
    }
    if (!dropped) {
      break;
    }
  }
  model.calibration_samples = toggles.size();
  return model;
}

}  // namespace powersel::power
