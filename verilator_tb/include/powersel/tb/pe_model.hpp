// One processing element on its own, in Verilator: the RTL (rtl/ws_pe.sv) and the default
// library's gate-level netlist (ws_pe_gates). Both step the same way as the gate-level energy
// simulator: a rising edge, then the new inputs, then the logic settles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace powersel::tb {

struct PeInputs {
  std::uint8_t act = 0;
  bool act_valid = false;
  std::int32_t psum = 0;  // 22-bit two's complement
  std::int8_t weight = 0;
  bool shift = false;  // wload_shift_i
  bool rst_n = true;
  friend bool operator==(const PeInputs&, const PeInputs&) = default;
};

struct PeOutputs {
  std::uint8_t act = 0;
  bool act_valid = false;
  std::int32_t psum = 0;  // sign-extended
  std::int8_t weight = 0;
  friend bool operator==(const PeOutputs&, const PeOutputs&) = default;
};

// Rising and falling transitions of one net bit.
struct NetToggles {
  std::string name;  // "_123_", or "psum_q[3]" for a bit of a vector
  std::uint64_t rises = 0;
  std::uint64_t falls = 0;
};

class PeModel {
 public:
  virtual ~PeModel() = default;

  static std::unique_ptr<PeModel> MakeRtl();
  // The netlist mapped to the default library at build time (rtl/synth/map_array.tcl).
  static std::unique_ptr<PeModel> MakeGateLevel();

  // Rising edge (registers take what the previous inputs settled to), then `inputs` apply.
  virtual PeOutputs Step(const PeInputs& inputs) = 0;
  // Per-bit transitions of every public net since construction (gate-level model only;
  // sampled once per Step, so a net that changes and changes back within a step counts 0).
  virtual std::vector<NetToggles> Toggles() const = 0;
};

}  // namespace powersel::tb
