// Per-PE, per-signal toggle counts of the RTL array, counted in C++ once per clock cycle.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "powersel/tb/array_shape.hpp"

namespace powersel::tb {

// Registers and nets of one PE whose bit flips are counted (rtl/ws_pe.sv names in comments).
enum class PeSignal {
  kActivation,       // act_q
  kActivationValid,  // act_valid_q
  kWeight,           // weight_q (also shifts during weight loads)
  kProduct,          // product (combinational multiplier output)
  kPsum,             // psum_q
};
inline constexpr int kPeSignalCount = 5;
inline constexpr std::array<std::string_view, kPeSignalCount> kPeSignalNames = {
    "activation", "activation_valid", "weight", "product", "psum"};

// Registers at the array's edges.
enum class EdgeSignal {
  kInputSkew,     // input skew delay lines, activations and valids (per row)
  kOutputDeskew,  // output de-skew delay lines (per column)
  kLoadPath,      // weight load register row and its valid
};
inline constexpr int kEdgeSignalCount = 3;
inline constexpr std::array<std::string_view, kEdgeSignalCount> kEdgeSignalNames = {
    "input_skew", "output_deskew", "load_path"};

struct ToggleCounts {
  int rows = 0;
  int cols = 0;
  std::uint64_t cycles = 0;
  // pe[r * cols + c][signal]
  std::vector<std::array<std::uint64_t, kPeSignalCount>> pe;
  std::vector<std::uint64_t> input_skew;     // per row
  std::vector<std::uint64_t> output_deskew;  // per column
  std::uint64_t load_path = 0;

  static ToggleCounts Zero(ArrayShape shape);

  std::uint64_t Pe(int row, int col, PeSignal signal) const {
    return pe[static_cast<std::size_t>(row) * cols + col][static_cast<int>(signal)];
  }
  std::uint64_t Total(PeSignal signal) const;
  std::uint64_t Total(EdgeSignal signal) const;
  std::uint64_t PeTotal(int row, int col) const;  // all signals of one PE

  // Adds another run's counts of the same shape (shards of one regression).
  ToggleCounts& operator+=(const ToggleCounts& other);
  friend bool operator==(const ToggleCounts&, const ToggleCounts&) = default;
};

namespace detail {
class ArrayModel;
}

// Observes a Verilated array through its public signals. Sample() after every rising edge
// adds popcount(previous ^ current) of every counted signal.
class ToggleCounter {
 public:
  explicit ToggleCounter(detail::ArrayModel& model);
  ~ToggleCounter();
  ToggleCounter(const ToggleCounter&) = delete;
  ToggleCounter& operator=(const ToggleCounter&) = delete;

  void Sample();
  // Forgets the counts; the current state becomes the reference for the next toggle.
  void Clear();
  const ToggleCounts& counts() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Toggle counts of the counted signals as Verilator's --coverage-toggle recorded them (a
// coverage.dat written by Harness::WriteCoverage): the independent check of ToggleCounter.
ToggleCounts ReadToggleCoverage(const std::filesystem::path& path, ArrayShape shape);

}  // namespace powersel::tb
