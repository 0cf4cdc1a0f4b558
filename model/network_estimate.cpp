#include "powersel/model/network_estimate.hpp"

#include <array>
#include <stdexcept>

namespace powersel::model {

namespace {

constexpr int kWeightValues = 256;

}  // namespace

NetworkEstimate::NetworkEstimate(const MacTable& table, tb::ArrayShape array,
                                 std::vector<std::pair<int, int>> gemm_shapes,
                                 std::span<const CapturedTile> tiles,
                                 const power::EdgeFlipFlopEnergy& edge)
    : table_(&table), array_(array) {
  // The zero-activation load pairs alone, in single precision: half the footprint keeps the
  // estimate's random lookups in cache.
  load_pair_fj_.reserve(TransitionClasses::kLoadPairs);
  for (int pair = 0; pair < TransitionClasses::kLoadPairs; ++pair) {
    load_pair_fj_.push_back(static_cast<float>(table.load_cycle_fj(pair)));
  }
  const int pairs = table.classes().activation_classes() * table.classes().psum_groups();
  for (const auto& [k, n] : gemm_shapes) {
    Layer layer;
    layer.k = k;
    layer.n = n;
    layer.tiles = tb::PlanTiles(k, n, array);
    layer.stream_cycles.assign(layer.tiles.size(), 0);
    layer.cycles.assign(layer.tiles.size(), 0);
    layer.gated_clock_fj.assign(layer.tiles.size(), 0);
    layer.row_cycles.assign(static_cast<std::size_t>(array.rows), 0);
    layers_.push_back(std::move(layer));
  }
  // Pair cycles per GEMM and row, summed over used PEs; then priced per weight value.
  std::vector<std::vector<double>> row_pairs(
      layers_.size(), std::vector<double>(static_cast<std::size_t>(array.rows * pairs), 0));
  std::vector<std::size_t> next_tile(layers_.size(), 0);
  for (const CapturedTile& captured : tiles) {
    const auto gemm = static_cast<std::size_t>(captured.gemm);
    Layer& layer = layers_.at(gemm);
    const std::size_t t = next_tile[gemm]++ % layer.tiles.size();
    if (layer.tiles[t].k_begin == 0 && layer.tiles[t].n_begin == 0 && gemm == 0) {
      ++images_;
    }
    const PeActivity& activity = *captured.activity;
    const auto streaming = static_cast<double>(activity.cycles() - activity.LoadCycles(0));
    layer.stream_cycles[t] += streaming;
    layer.cycles[t] += static_cast<double>(activity.cycles());
    layer.edge_fj += power::EstimateEdgeEnergy(activity.edge_toggles(), edge).total_fj();
    for (int row = 0; row < array.rows; ++row) {
      for (int col = 0; col < array.cols; ++col) {
        const int pe = row * array.cols + col;
        const bool used = row < captured.coord.k_size && col < captured.coord.n_size;
        // What clock gates let through beyond the free-running clock: data-independent.
        const double gated = table.clock().Energy(0, static_cast<double>(activity.ShiftCycles()),
                                                  static_cast<double>(activity.ValidCycles(pe)));
        (used ? layer.gated_clock_fj[t] : layer.idle_gated_clock_fj) += gated;
        for (int pair = 0; pair < pairs; ++pair) {
          const auto cycles = static_cast<double>(activity.PairCycles(pe, pair));
          if (cycles == 0) {
            continue;
          }
          if (used) {
            row_pairs[gemm][static_cast<std::size_t>(row * pairs + pair)] += cycles;
            layer.row_cycles[static_cast<std::size_t>(row)] += cycles;
          } else {
            layer.idle_stream_fj += cycles * table.DatapathPair(0, pair);
          }
        }
      }
    }
  }
  for (std::size_t gemm = 0; gemm < layers_.size(); ++gemm) {
    Layer& layer = layers_[gemm];
    layer.row_fj.assign(static_cast<std::size_t>(array.rows * kWeightValues), 0);
    for (int row = 0; row < array.rows; ++row) {
      const double cycles = layer.row_cycles[static_cast<std::size_t>(row)];
      for (int w = -128; w < 128 && cycles > 0; ++w) {
        double energy = 0;
        for (int pair = 0; pair < pairs; ++pair) {
          energy += row_pairs[gemm][static_cast<std::size_t>(row * pairs + pair)] *
                    table.DatapathPair(w, pair);
        }
        layer.row_fj[static_cast<std::size_t>(row * kWeightValues + w + 128)] = energy / cycles;
      }
    }
  }
}

// A column's PE r passes, in order: its old weight held as the shift starts, the old weights
// of the PEs above it (before[r - 1] .. before[0]), then the new ones bottom first
// (after[rows - 1] .. after[r]): rows + 1 load cycles, each priced by its register pair. Over
// PEs 0..R-1 the pair (before[j] -> before[j - 1]) occurs R - j times, the crossing
// (before[0] -> after[rows - 1]) R times and (after[j] -> after[j - 1]) min(j, R) times.
// A column's steps (after[j] -> after[j - 1]) are priced once, and again used as the old
// steps of the next tile's load.
std::vector<ScopedEnergy> NetworkEstimate::Estimate(
    std::span<const Matrix<std::int8_t>> weights) const {
  if (weights.size() != layers_.size()) {
    throw std::invalid_argument("NetworkEstimate: one weight matrix per GEMM");
  }
  for (std::size_t gemm = 0; gemm < layers_.size(); ++gemm) {
    if (weights[gemm].rows() != layers_[gemm].k || weights[gemm].cols() != layers_[gemm].n) {
      throw std::invalid_argument("NetworkEstimate: a weight matrix of another shape");
    }
  }
  const int rows = array_.rows;
  const int cols = array_.cols;
  const auto cells = static_cast<std::size_t>(rows * cols);
  const double clock = table_->clock_fj();
  // TransitionClasses::LoadClass under a zero activation, inline.
  auto load = [&](std::int8_t from, std::int8_t to) {
    return static_cast<double>(load_pair_fj_[static_cast<std::size_t>(
        static_cast<std::uint8_t>(from) << 8 | static_cast<std::uint8_t>(to))]);
  };
  std::vector<double> hold(kWeightValues);  // (w -> w), gathered: the pairs far apart
  for (int w = -128; w < 128; ++w) {
    hold[static_cast<std::size_t>(w + 128)] =
        load(static_cast<std::int8_t>(w), static_cast<std::int8_t>(w));
  }
  const double* hold_of = &hold[128];
  std::vector<ScopedEnergy> energy(layers_.size());
  // The weights the array holds, column-major (the load shifts columns), carried from tile
  // to tile, GEMM to GEMM and image to image as the run did; with them, per column, their
  // steps and the sums that price them as the old weights of the next load.
  std::vector<std::int8_t> held(cells, 0);
  std::vector<std::int8_t> next(cells, 0);
  std::vector<double> held_steps(cells, load(0, 0));  // [col * rows + j], j >= 1
  std::vector<double> next_steps(cells, 0);
  struct ColumnSums {
    double old_steps = 0;  // sum over j of (rows - j) * step j: every PE passes them
    double holds = 0;      // sum over rows of the held weight's pair (w -> w)
  };
  double zero_old_steps = 0;
  for (int j = 1; j < rows; ++j) {
    zero_old_steps += (rows - j) * load(0, 0);
  }
  std::vector<ColumnSums> held_sums(static_cast<std::size_t>(cols),
                                    {zero_old_steps, rows * load(0, 0)});
  std::vector<ColumnSums> next_sums(held_sums.size());
  for (int image = 0; image < images_; ++image) {
    for (std::size_t gemm = 0; gemm < layers_.size(); ++gemm) {
      const Layer& layer = layers_[gemm];
      const Matrix<std::int8_t>& w = weights[gemm];
      double used = 0;
      double all = 0;
      for (const tb::TileCoord& coord : layer.tiles) {
        std::fill(next.begin(), next.end(), std::int8_t{0});
        for (int k = 0; k < coord.k_size; ++k) {
          const std::int8_t* weight_row =
              &w.Row(coord.k_begin + k)[static_cast<std::size_t>(coord.n_begin)];
          for (int n = 0; n < coord.n_size; ++n) {
            next[static_cast<std::size_t>(n * rows + k)] = weight_row[n];
          }
        }
        for (int col = 0; col < cols; ++col) {
          const std::int8_t* before = &held[static_cast<std::size_t>(col * rows)];
          const std::int8_t* after = &next[static_cast<std::size_t>(col * rows)];
          const double* old_steps = &held_steps[static_cast<std::size_t>(col * rows)];
          double* new_steps = &next_steps[static_cast<std::size_t>(col * rows)];
          const ColumnSums& old_sums = held_sums[static_cast<std::size_t>(col)];
          ColumnSums& new_sums = next_sums[static_cast<std::size_t>(col)];
          const int used_rows = col < coord.n_size ? coord.k_size : 0;
          const double crossing = load(before[0], after[rows - 1]);
          double new_part = 0;  // sum over j of j * step j
          new_sums = {};
          for (int j = 1; j < rows; ++j) {
            new_steps[j] = load(after[j], after[j - 1]);
            new_part += j * new_steps[j];
            new_sums.old_steps += (rows - j) * new_steps[j];
          }
          for (int row = 0; row < rows; ++row) {
            new_sums.holds += hold_of[after[row]];
          }
          const double column = rows * crossing + old_sums.holds + old_sums.old_steps + new_part;
          all += column;
          if (used_rows == rows) {
            used += column;
          } else if (used_rows > 0) {
            used += used_rows * crossing;
            for (int row = 0; row < used_rows; ++row) {
              used += hold_of[before[row]];
            }
            for (int j = 1; j < rows; ++j) {
              used +=
                  std::max(0, used_rows - j) * old_steps[j] + std::min(j, used_rows) * new_steps[j];
            }
          }
        }
        held.swap(next);
        held_steps.swap(next_steps);
        held_sums.swap(next_sums);
      }
      energy[gemm].datapath += used;
      energy[gemm].array += all;
    }
  }
  for (std::size_t gemm = 0; gemm < layers_.size(); ++gemm) {
    const Layer& layer = layers_[gemm];
    const Matrix<std::int8_t>& w = weights[gemm];
    double streaming = 0;
    double used_pe_cycles = 0;
    double all_cycles = 0;
    double gated_clock = 0;
    for (std::size_t t = 0; t < layer.tiles.size(); ++t) {
      const tb::TileCoord& coord = layer.tiles[t];
      // Four running sums: one would wait on each addition before the next.
      std::array<double, 4> sums{};
      for (int k = 0; k < coord.k_size; ++k) {
        const double* row_fj = &layer.row_fj[static_cast<std::size_t>(k * kWeightValues + 128)];
        const std::int8_t* weight_row =
            &w.Row(coord.k_begin + k)[static_cast<std::size_t>(coord.n_begin)];
        for (int n = 0; n < coord.n_size; ++n) {
          sums[static_cast<std::size_t>(n % 4)] += row_fj[weight_row[n]];
        }
      }
      const double tile = (sums[0] + sums[1]) + (sums[2] + sums[3]);
      streaming += tile * layer.stream_cycles[t];
      used_pe_cycles += layer.cycles[t] * coord.k_size * coord.n_size;
      all_cycles += layer.cycles[t];
      gated_clock += layer.gated_clock_fj[t];
    }
    ScopedEnergy& e = energy[gemm];
    e.datapath += streaming;
    e.pe = e.datapath + clock * used_pe_cycles + gated_clock;
    e.array += streaming + layer.idle_stream_fj + layer.edge_fj + clock * all_cycles * rows * cols +
               gated_clock + layer.idle_gated_clock_fj;
  }
  return energy;
}

std::vector<double> NetworkEstimate::WeightEnergy(int gemm) const {
  if (gemm < 0 || gemm >= gemms()) {
    throw std::out_of_range("NetworkEstimate::WeightEnergy: no such GEMM");
  }
  return WeightEnergyOver(std::span(layers_).subspan(static_cast<std::size_t>(gemm), 1));
}

std::vector<double> NetworkEstimate::WeightEnergy() const {
  return WeightEnergyOver(layers_);
}

std::vector<double> NetworkEstimate::WeightEnergyOver(std::span<const Layer> layers) const {
  std::vector<double> energy(kWeightValues, 0);
  double total = 0;
  for (const Layer& layer : layers) {
    for (int row = 0; row < array_.rows; ++row) {
      const double cycles = layer.row_cycles[static_cast<std::size_t>(row)];
      total += cycles;
      for (int w = 0; w < kWeightValues; ++w) {
        energy[static_cast<std::size_t>(w)] +=
            cycles * layer.row_fj[static_cast<std::size_t>(row * kWeightValues + w)];
      }
    }
  }
  for (double& e : energy) {
    e = total > 0 ? e / total : 0;
  }
  return energy;
}

}  // namespace powersel::model
