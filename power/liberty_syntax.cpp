#include "liberty_syntax.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include "powersel/common/errors.hpp"

namespace powersel::power::detail {

const LibertyAttribute* LibertyGroup::Find(const std::string& attribute) const {
  for (const LibertyAttribute& candidate : attributes) {
    if (candidate.name == attribute) {
      return &candidate;
    }
  }
  return nullptr;
}

std::vector<const LibertyGroup*> LibertyGroup::Children(const std::string& group_type) const {
  std::vector<const LibertyGroup*> children;
  for (const LibertyGroup& child : groups) {
    if (child.type == group_type) {
      children.push_back(&child);
    }
  }
  return children;
}

namespace {

struct Token {
  enum class Kind { kWord, kString, kPunct, kEnd } kind;
  std::string text;
  int line;
};

class Lexer {
 public:
  Lexer(const std::string& text, const std::string& origin) : text_(text), origin_(origin) {}

  Token Next() {
    SkipSpaceAndComments();
    if (at_ >= text_.size()) {
      return {Token::Kind::kEnd, "", line_};
    }
    const char c = text_[at_];
    if (c == '"') {
      return String();
    }
    if (c == '(' || c == ')' || c == '{' || c == '}' || c == ':' || c == ';' || c == ',') {
      ++at_;
      return {Token::Kind::kPunct, std::string(1, c), line_};
    }
    const std::size_t start = at_;
    while (at_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[at_])) &&
           std::string_view("(){}:;,\"").find(text_[at_]) == std::string_view::npos) {
      ++at_;
    }
    return {Token::Kind::kWord, text_.substr(start, at_ - start), line_};
  }

  [[noreturn]] void Fail(int line, const std::string& problem) const {
    throw InputError(origin_, fmt::format("line {}", line), problem);
  }

 private:
  void SkipSpaceAndComments() {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\n') {
        ++line_;
        ++at_;
      } else if (std::isspace(static_cast<unsigned char>(c)) || c == '\\') {
        ++at_;  // a backslash continues a line
      } else if (text_.compare(at_, 2, "/*") == 0) {
        const std::size_t end = text_.find("*/", at_ + 2);
        if (end == std::string::npos) {
          Fail(line_, "unterminated comment");
        }
        line_ +=
            static_cast<int>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(at_),
                                        text_.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
        at_ = end + 2;
      } else if (text_.compare(at_, 2, "//") == 0) {
        while (at_ < text_.size() && text_[at_] != '\n') {
          ++at_;
        }
      } else {
        return;
      }
    }
  }

  Token String() {
    const int line = line_;
    std::string value;
    ++at_;
    while (at_ < text_.size() && text_[at_] != '"') {
      if (text_[at_] == '\\' && at_ + 1 < text_.size() && text_[at_ + 1] == '\n') {
        at_ += 2;  // line continuation inside a string
        ++line_;
        continue;
      }
      if (text_[at_] == '\n') {
        ++line_;
      }
      value += text_[at_++];
    }
    if (at_ >= text_.size()) {
      Fail(line, "unterminated string");
    }
    ++at_;
    return {Token::Kind::kString, value, line};
  }

  const std::string& text_;
  const std::string& origin_;
  std::size_t at_ = 0;
  int line_ = 1;
};

class Parser {
 public:
  Parser(const std::string& text, const std::string& origin) : lexer_(text, origin) { Advance(); }

  LibertyGroup ParseTop() {
    if (current_.kind != Token::Kind::kWord) {
      lexer_.Fail(current_.line, "expected a 'library (name) {' group");
    }
    LibertyGroup top;
    const std::string name = current_.text;
    const int line = current_.line;
    Advance();
    ParseStatementAfterName(name, line, top);
    if (top.groups.empty() || top.groups.front().type != "library") {
      lexer_.Fail(line, "expected a 'library (name) {' group");
    }
    if (current_.kind != Token::Kind::kEnd) {
      lexer_.Fail(current_.line, "text after the end of the library group");
    }
    return std::move(top.groups.front());
  }

 private:
  void Advance() { current_ = lexer_.Next(); }

  void Expect(const char* punct) {
    if (current_.kind != Token::Kind::kPunct || current_.text != punct) {
      lexer_.Fail(current_.line,
                  fmt::format("expected '{}' but found '{}'", punct,
                              current_.kind == Token::Kind::kEnd ? "end of file" : current_.text));
    }
    Advance();
  }

  bool AtPunct(const char* punct) const {
    return current_.kind == Token::Kind::kPunct && current_.text == punct;
  }

  // After "name": either ": value ;" or "( args )" followed by "{ body }" or ";".
  void ParseStatementAfterName(const std::string& name, int line, LibertyGroup& parent) {
    if (AtPunct(":")) {
      Advance();
      if (current_.kind != Token::Kind::kWord && current_.kind != Token::Kind::kString) {
        lexer_.Fail(current_.line, fmt::format("expected a value for '{}'", name));
      }
      std::string value = current_.text;
      Advance();
      // Unquoted values may span several words (expressions such as "a + b").
      while (current_.kind == Token::Kind::kWord) {
        value += " " + current_.text;
        Advance();
      }
      if (AtPunct(";")) {
        Advance();
      }
      parent.attributes.push_back({name, {value}, line});
      return;
    }
    Expect("(");
    std::vector<std::string> arguments;
    while (!AtPunct(")")) {
      if (current_.kind == Token::Kind::kEnd) {
        lexer_.Fail(line, fmt::format("unclosed '(' after '{}'", name));
      }
      if (!AtPunct(",")) {
        arguments.push_back(current_.text);
      }
      Advance();
    }
    Advance();
    if (AtPunct("{")) {
      Advance();
      LibertyGroup group{name, std::move(arguments), {}, {}, line};
      while (!AtPunct("}")) {
        if (current_.kind != Token::Kind::kWord) {
          lexer_.Fail(current_.line,
                      fmt::format("expected an attribute or group inside '{}' (opened at line {})",
                                  name, line));
        }
        const std::string child = current_.text;
        const int child_line = current_.line;
        Advance();
        ParseStatementAfterName(child, child_line, group);
      }
      Advance();
      parent.groups.push_back(std::move(group));
      return;
    }
    if (AtPunct(";")) {
      Advance();
    }
    parent.attributes.push_back({name, std::move(arguments), line});
  }

  Lexer lexer_;
  Token current_{};
};

}  // namespace

LibertyGroup ParseLibertyText(const std::string& text, const std::string& origin) {
  return Parser(text, origin).ParseTop();
}

LibertyGroup ParseLibertySyntax(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw InputError(file.string(), "", "cannot open liberty file");
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ParseLibertyText(text, file.string());
}

}  // namespace powersel::power::detail
