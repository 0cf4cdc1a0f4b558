#include "boolean_function.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace powersel::power::detail {

namespace {

// Liberty precedence, tightest first: ! and postfix ' ; ^ ; & * and juxtaposition ; + |.
class ExpressionParser {
 public:
  ExpressionParser(const std::string& text, const std::vector<std::string>& inputs)
      : text_(text), inputs_(inputs) {}

  template <typename Emit>
  void Parse(Emit&& emit) {
    ParseOr(emit);
    SkipSpace();
    if (at_ != text_.size()) {
      throw std::invalid_argument("unexpected '" + text_.substr(at_) + "' in '" + text_ + "'");
    }
  }

 private:
  void SkipSpace() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) {
      ++at_;
    }
  }
  char Peek() {
    SkipSpace();
    return at_ < text_.size() ? text_[at_] : '\0';
  }
  bool StartsOperand(char c) const {
    return c == '(' || c == '!' || std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  }

  template <typename Emit>
  void ParseOr(Emit& emit) {
    ParseAnd(emit);
    while (Peek() == '+' || Peek() == '|') {
      ++at_;
      ParseAnd(emit);
      emit(BooleanOp::kOr, 0);
    }
  }
  template <typename Emit>
  void ParseAnd(Emit& emit) {
    ParseXor(emit);
    for (;;) {
      const char c = Peek();
      if (c == '&' || c == '*') {
        ++at_;
      } else if (!StartsOperand(c)) {
        return;
      }
      ParseXor(emit);
      emit(BooleanOp::kAnd, 0);
    }
  }
  template <typename Emit>
  void ParseXor(Emit& emit) {
    ParseUnary(emit);
    while (Peek() == '^') {
      ++at_;
      ParseUnary(emit);
      emit(BooleanOp::kXor, 0);
    }
  }
  template <typename Emit>
  void ParseUnary(Emit& emit) {
    const char c = Peek();
    if (c == '!') {
      ++at_;
      ParseUnary(emit);
      emit(BooleanOp::kNot, 0);
    } else if (c == '(') {
      ++at_;
      ParseOr(emit);
      if (Peek() != ')') {
        throw std::invalid_argument("missing ')' in '" + text_ + "'");
      }
      ++at_;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t start = at_;
      while (at_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_')) {
        ++at_;
      }
      const std::string name = text_.substr(start, at_ - start);
      if (name == "0" || name == "1") {
        emit(name == "0" ? BooleanOp::kConst0 : BooleanOp::kConst1, 0);
      } else {
        const auto found = std::find(inputs_.begin(), inputs_.end(), name);
        if (found == inputs_.end()) {
          throw std::invalid_argument("unknown pin '" + name + "' in '" + text_ + "'");
        }
        emit(BooleanOp::kPush, static_cast<int>(found - inputs_.begin()));
      }
    } else {
      throw std::invalid_argument("expected an operand in '" + text_ + "'");
    }
    while (Peek() == '\'') {
      ++at_;
      emit(BooleanOp::kNot, 0);
    }
  }

  const std::string& text_;
  const std::vector<std::string>& inputs_;
  std::size_t at_ = 0;
};

}  // namespace

BooleanFunction::BooleanFunction(const std::string& text, const std::vector<std::string>& inputs) {
  ExpressionParser(text, inputs).Parse([this](BooleanOp op, int input) {
    program_.emplace_back(op, input);
  });
  // Evaluate() keeps a fixed stack; refuse expressions that would overflow it.
  int depth = 0;
  for (const auto& [op, input] : program_) {
    const bool pushes =
        op == BooleanOp::kPush || op == BooleanOp::kConst0 || op == BooleanOp::kConst1;
    const bool pops = op == BooleanOp::kAnd || op == BooleanOp::kOr || op == BooleanOp::kXor;
    depth += pushes ? 1 : pops ? -1 : 0;
    if (depth > kMaxDepth) {
      throw std::invalid_argument("expression nests too deeply: '" + text + "'");
    }
  }
}

namespace {

// The one postfix interpreter: `load(arg)` reads an operand, `store(arg, value)` writes a
// result (net programs only); returns what is left on top of the stack.
template <typename Load, typename Store>
std::uint64_t Interpret(std::span<const std::pair<BooleanOp, int>> program, Load load,
                        Store store) {
  std::uint64_t stack[BooleanFunction::kMaxDepth];
  int top = 0;
  for (const auto& [op, arg] : program) {
    switch (op) {
      case BooleanOp::kPush:
        stack[top++] = load(arg);
        break;
      case BooleanOp::kConst0:
        stack[top++] = 0;
        break;
      case BooleanOp::kConst1:
        stack[top++] = ~std::uint64_t{0};
        break;
      case BooleanOp::kNot:
        stack[top - 1] = ~stack[top - 1];
        break;
      case BooleanOp::kAnd:
        --top;
        stack[top - 1] &= stack[top];
        break;
      case BooleanOp::kOr:
        --top;
        stack[top - 1] |= stack[top];
        break;
      case BooleanOp::kXor:
        --top;
        stack[top - 1] ^= stack[top];
        break;
      case BooleanOp::kStore:
        store(arg, stack[--top]);
        break;
    }
  }
  return top > 0 ? stack[top - 1] : 0;
}

}  // namespace

std::uint64_t BooleanFunction::Evaluate(std::span<const std::uint64_t> inputs) const {
  return Interpret(
      program_, [&](int input) { return inputs[static_cast<std::size_t>(input)]; },
      [](int, std::uint64_t) {});
}

void BooleanFunction::AppendAsNetProgram(std::span<const int> input_nets, int output_net,
                                         std::vector<std::pair<BooleanOp, int>>& program) const {
  for (const auto& [op, input] : program_) {
    program.emplace_back(op,
                         op == BooleanOp::kPush ? input_nets[static_cast<std::size_t>(input)] : 0);
  }
  program.emplace_back(BooleanOp::kStore, output_net);
}

void NetProgram::Run(std::vector<std::uint64_t>& nets) const {
  Interpret(
      program_, [&](int net) { return nets[static_cast<std::size_t>(net)]; },
      [&](int net, std::uint64_t value) { nets[static_cast<std::size_t>(net)] = value; });
}

}  // namespace powersel::power::detail
