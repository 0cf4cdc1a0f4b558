// A Liberty boolean function ("(!((A B)+C))", "A^B", "IQ", …) compiled to a small postfix
// program that evaluates 64 independent lanes at once, one lane per bit of a word.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace powersel::power::detail {

// kStore only appears in net programs: it pops the result into a net.
enum class BooleanOp : std::uint8_t { kPush, kConst0, kConst1, kNot, kAnd, kOr, kXor, kStore };

class BooleanFunction {
 public:
  // `inputs` names the variables in the order Evaluate() receives them. Throws
  // std::invalid_argument with the problem for malformed text or an unknown variable.
  BooleanFunction(const std::string& text, const std::vector<std::string>& inputs);

  std::uint64_t Evaluate(std::span<const std::uint64_t> inputs) const;

  // The postfix program with each input replaced by `input_nets[input]`, then a store to
  // `output_net`: pieces of one flat program over a netlist's nets (see NetProgram).
  void AppendAsNetProgram(std::span<const int> input_nets, int output_net,
                          std::vector<std::pair<BooleanOp, int>>& program) const;

  // Deepest operand stack an expression may need.
  static constexpr int kMaxDepth = 32;

 private:
  std::vector<std::pair<BooleanOp, int>> program_;  // operand: input index for kPush
};

// Many functions over one array of nets as a single postfix program: the gate-level
// simulator's combinational logic in topological order, evaluated in one tight loop.
class NetProgram {
 public:
  void Append(const BooleanFunction& function, std::span<const int> input_nets, int output_net) {
    function.AppendAsNetProgram(input_nets, output_net, program_);
  }
  void Run(std::vector<std::uint64_t>& nets) const;

 private:
  std::vector<std::pair<BooleanOp, int>> program_;
};

}  // namespace powersel::power::detail
