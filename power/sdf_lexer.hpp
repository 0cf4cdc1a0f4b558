// The SDF lexer: parentheses, quoted strings and words (escaped identifiers kept whole), with
// line numbers for the reader's one-line errors. A detail of power/sdf.cpp.
#pragma once

#include <fmt/format.h>

#include <string>

#include "powersel/common/errors.hpp"

namespace powersel::power::detail {

struct Token {
  enum class Kind { kOpen, kClose, kWord, kString, kEnd } kind;
  std::string text;  // words keep their backslash escapes; strings lose their quotes
  int line;
};

inline std::string Describe(const Token& token) {
  using Kind = Token::Kind;
  return token.kind == Kind::kEnd      ? "the end of the file"
         : token.kind == Kind::kString ? fmt::format("\"{}\"", token.text.substr(0, 40))
                                       : fmt::format("'{}'", token.text.substr(0, 40));
}

class Lexer {
 public:
  Lexer(const std::string& text, const std::string& origin) : text_(text), origin_(origin) {}

  Token Next() {
    SkipSpaceAndComments();
    if (at_ >= text_.size()) {
      return {Token::Kind::kEnd, "", line_};
    }
    const char c = text_[at_];
    if (c == '(' || c == ')') {
      ++at_;
      return {c == '(' ? Token::Kind::kOpen : Token::Kind::kClose, std::string(1, c), line_};
    }
    if (c == '"') {
      const int line = line_;
      const std::size_t end = text_.find('"', at_ + 1);
      if (end == std::string::npos) {
        Fail(line, "unterminated string");
      }
      std::string text = text_.substr(at_ + 1, end - at_ - 1);
      line_ += static_cast<int>(std::count(text.begin(), text.end(), '\n'));
      at_ = end + 1;
      return {Token::Kind::kString, std::move(text), line};
    }
    const std::size_t start = at_;
    while (at_ < text_.size() && !IsSpace(text_[at_]) && text_[at_] != '(' && text_[at_] != ')' &&
           text_[at_] != '"') {
      // A backslash escapes the next character: Yosys names like \$abc$12 or a\[3\].
      at_ += text_[at_] == '\\' && at_ + 1 < text_.size() && text_[at_ + 1] != '\n' ? 2 : 1;
    }
    return {Token::Kind::kWord, text_.substr(start, at_ - start), line_};
  }

  [[noreturn]] void Fail(int line, const std::string& problem) const {
    throw InputError(origin_, fmt::format("line {}", line), problem);
  }

 private:
  static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  void SkipSpaceAndComments() {
    while (at_ < text_.size()) {
      if (text_[at_] == '\n') {
        ++line_;
        ++at_;
      } else if (IsSpace(text_[at_])) {
        ++at_;
      } else if (text_.compare(at_, 2, "//") == 0) {
        at_ = std::min(text_.find('\n', at_), text_.size());
      } else if (text_.compare(at_, 2, "/*") == 0) {
        const std::size_t end = text_.find("*/", at_ + 2);
        if (end == std::string::npos) {
          Fail(line_, "unterminated comment");
        }
        line_ += static_cast<int>(std::count(text_.begin() + static_cast<long>(at_),
                                             text_.begin() + static_cast<long>(end), '\n'));
        at_ = end + 2;
      } else {
        return;
      }
    }
  }

  const std::string& text_;
  const std::string& origin_;
  std::size_t at_ = 0;
  int line_ = 1;
};

}  // namespace powersel::power::detail
