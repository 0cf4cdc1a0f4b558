// A Liberty boolean function ("(!((A B)+C))", "A^B", "IQ", …) compiled to a small postfix
// program that evaluates 64 independent lanes at once, one lane per bit of a word.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace powersel::power::detail {

enum class BooleanOp : std::uint8_t { kPush, kConst0, kConst1, kNot, kAnd, kOr, kXor };

class BooleanFunction {
 public:
  // `inputs` names the variables in the order Evaluate() receives them. Throws
  // std::invalid_argument with the problem for malformed text or an unknown variable.
  BooleanFunction(const std::string& text, const std::vector<std::string>& inputs);

  std::uint64_t Evaluate(std::span<const std::uint64_t> inputs) const;

 private:
  static constexpr int kMaxDepth = 32;
  struct Instruction {
    BooleanOp op;
    std::uint8_t input;
  };
  std::vector<Instruction> program_;
};

}  // namespace powersel::power::detail
