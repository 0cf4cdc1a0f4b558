// Type-erased access to one Verilated array model; the sizes are compile-time parameters of
// the RTL, so each size is its own generated class behind this interface.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "powersel/tb/harness.hpp"

class VerilatedContext;

namespace powersel::tb::detail {

// A counted signal found by its generated C++ member name (e.g. `rootp->ws_array__DOT__...`)
// instead of through Verilator's symbol table: the toggle counter's independent cross-check
// (member_toggles.hpp). The names are listed per model at configure time.
struct MemberSignal {
  enum class Kind { kPe, kInputSkew, kOutputDeskew, kLoadPath };
  const std::uint8_t* data = nullptr;
  std::size_t elements = 1;       // unpacked elements (delay-line stages)
  std::size_t element_bytes = 0;  // storage of one element, little-endian
  int width = 0;                  // declared bits of one element: the rest is not counted
  Kind kind = Kind::kPe;
  int row = 0;                              // kPe, kInputSkew
  int col = 0;                              // kPe, kOutputDeskew
  PeSignal signal = PeSignal::kActivation;  // kPe
};

class ArrayModel {
 public:
  virtual ~ArrayModel() = default;

  virtual ArrayShape shape() const = 0;
  virtual VerilatedContext& context() = 0;

  virtual void SetClock(bool high) = 0;
  virtual void SetResetN(bool high) = 0;
  virtual void SetWeightRow(bool valid, std::span<const std::int8_t> row) = 0;
  virtual void SetActivations(bool valid, std::span<const std::uint8_t> activations) = 0;
  virtual void SetPsumTop(std::span<const std::int32_t> psums) = 0;
  // One bit per column (ws_array's col_enable_i); only the low-power model reads it.
  virtual void SetColumnEnables(std::span<const std::uint8_t> enables) = 0;
  virtual void Eval() = 0;

  virtual bool OutputValid() const = 0;
  // Sign-extended 22-bit partial sums of the aligned output vector.
  virtual void ReadOutputs(std::span<std::int32_t> psums) const = 0;

  // Every counted signal through the model's named members (see MemberSignal).
  virtual std::vector<MemberSignal> MemberSignals() const = 0;

  virtual bool CanTrace() const = 0;
  virtual void OpenTrace(const std::filesystem::path& path) = 0;
  virtual void DumpTrace(std::uint64_t time) = 0;
};

enum class ModelVariant { kPlain, kCoverage, kLowPower };

// Null if this build has no model of that shape and variant. `enable_trace` prepares a
// traceable model for OpenTrace.
std::unique_ptr<ArrayModel> MakeArrayModel(ArrayShape shape, ModelVariant variant,
                                           bool enable_trace);

}  // namespace powersel::tb::detail
