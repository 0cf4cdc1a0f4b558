// Recorded stimulus of an array run: what its ports were driven with and what every PE saw,
// edge by edge, so that gate-level models can replay it exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "powersel/tb/array_shape.hpp"
#include "powersel/tb/pe_model.hpp"

namespace powersel::tb {

struct ArrayPortValues {
  bool rst_n = false;
  bool wload_valid = false;
  std::vector<std::int8_t> wload_row;
  std::vector<std::uint8_t> col_enable;  // one 0/1 per column: the columns the tile uses
  bool act_valid = false;
  std::vector<std::uint8_t> activations;
  std::vector<std::int32_t> psum_top;
};

// Entry t belongs to rising edge t: the inputs every PE holds after that edge (its register
// neighbours' new values, and the ports as driven for edge t + 1), and those port values.
// This is the order PeModel::Step and the gate-level simulator take them in.
struct ArrayTrace {
  ArrayShape shape;
  std::vector<PeInputs> pe_inputs;  // [cycle][row][col], flattened
  std::vector<ArrayPortValues> ports;

  std::size_t cycles() const { return ports.size(); }
  const PeInputs& Pe(std::size_t cycle, int row, int col) const {
    return pe_inputs[(cycle * static_cast<std::size_t>(shape.rows) +
                      static_cast<std::size_t>(row)) *
                         static_cast<std::size_t>(shape.cols) +
                     static_cast<std::size_t>(col)];
  }
};

}  // namespace powersel::tb
