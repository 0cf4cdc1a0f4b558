// SDF (IEEE 1497, version 3.0) reader for what a timed simulation needs: IOPATH delays of cell
// instances. Header entries and timing checks are skipped; anything that would change a
// delay and is not read (COND, INCREMENT, PORT and DEVICE delays, pulse limits) is refused
// rather than silently dropped.
#include "powersel/power/sdf.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>

#include "powersel/common/errors.hpp"
#include "sdf_lexer.hpp"

namespace powersel::power {

namespace {

using detail::Lexer;
using detail::Token;

class Parser {
 public:
  Parser(const std::string& text, std::string origin)
      : origin_(std::move(origin)), lexer_(text, origin_) {}

  SdfFile File() {
    SdfFile file;
    file.origin = origin_;
    Expect(Token::Kind::kOpen, "'(DELAYFILE'");
    ExpectKeyword("DELAYFILE");
    double timescale_ns = 1;
    for (Token token = lexer_.Next(); token.kind != Token::Kind::kClose; token = lexer_.Next()) {
      if (token.kind != Token::Kind::kOpen) {
        Fail(token, "'(' of a header entry or a CELL, or ')' closing DELAYFILE");
      }
      const Token keyword = Expect(Token::Kind::kWord, "a keyword");
      if (keyword.text == "CELL") {
        file.cells.push_back(Cell(keyword.line, file.max_interconnect_ns));
      } else if (keyword.text == "DESIGN") {
        file.design = Expect(Token::Kind::kString, "a quoted design name").text;
        Expect(Token::Kind::kClose, "')' closing DESIGN");
      } else if (keyword.text == "DIVIDER") {
        const Token divider = Expect(Token::Kind::kWord, "'/' or '.'");
        if (divider.text != "/" && divider.text != ".") {
          Fail(divider, "'/' or '.'");
        }
        divider_ = divider.text[0];
        Expect(Token::Kind::kClose, "')' closing DIVIDER");
      } else if (keyword.text == "TIMESCALE") {
        timescale_ns = Timescale(keyword.line);
      } else {
        SkipRest();  // SDFVERSION, DATE, VENDOR, VOLTAGE, ...: nothing a delay depends on
      }
    }
    Expect(Token::Kind::kEnd, "nothing after the ')' closing DELAYFILE");
    // The scale applies wherever TIMESCALE stood in the header.
    for (SdfCell& cell : file.cells) {
      for (SdfArc& arc : cell.arcs) {
        for (std::optional<double>* value : {&arc.rise_ns, &arc.fall_ns}) {
          if (*value) {
            **value *= timescale_ns;
            if (!std::isfinite(**value)) {
              lexer_.Fail(arc.line, "expected a delay that fits in a double once scaled");
            }
          }
        }
      }
    }
    file.max_interconnect_ns = std::min(file.max_interconnect_ns * timescale_ns, 1e300);
    file.timescale_ns = timescale_ns;
    return file;
  }

 private:
  [[noreturn]] void Fail(const Token& token, const std::string& expected) const {
    lexer_.Fail(token.line, fmt::format("expected {}, got {}", expected, Describe(token)));
  }

  Token Expect(Token::Kind kind, const std::string& expected) {
    Token token = lexer_.Next();
    if (token.kind != kind) {
      Fail(token, expected);
    }
    return token;
  }

  void ExpectKeyword(const std::string& keyword) {
    const Token token = lexer_.Next();
    if (token.kind != Token::Kind::kWord || token.text != keyword) {
      Fail(token, "'" + keyword + "'");
    }
  }

  // Skips to the ')' closing the entry whose '(' and keyword were read; iterative, so that
  // deep nesting cannot exhaust the stack.
  void SkipRest() {
    for (int depth = 1; depth > 0;) {
      const Token token = lexer_.Next();
      if (token.kind == Token::Kind::kEnd) {
        Fail(token, "')'");
      }
      depth += token.kind == Token::Kind::kOpen ? 1 : token.kind == Token::Kind::kClose ? -1 : 0;
    }
  }

  double Number(const std::string& text, int line) const {
    const char* first = text.data() + (text.starts_with('+') ? 1 : 0);
    const char* last = text.data() + text.size();
    double value = 0;
    const auto [end, error] = std::from_chars(first, last, value);
    if (first == last || error != std::errc() || end != last || !std::isfinite(value)) {
      lexer_.Fail(line, fmt::format("expected a number, got '{}'", text.substr(0, 40)));
    }
    return value;
  }

  double Timescale(int line) {
    std::string text;  // "1ns", or "100 ps"
    for (Token token = lexer_.Next(); token.kind != Token::Kind::kClose; token = lexer_.Next()) {
      if (token.kind != Token::Kind::kWord) {
        Fail(token, "a time scale such as 1ns");
      }
      text += token.text;
    }
    const std::size_t split = text.find_first_not_of("0123456789.");
    const std::string unit = split == std::string::npos ? "" : text.substr(split);
    constexpr std::array<std::pair<std::string_view, double>, 6> kUnits = {
        {{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1.0}, {"ps", 1e-3}, {"fs", 1e-6}}};
    const auto found = std::find_if(kUnits.begin(), kUnits.end(),
                                    [&](const auto& entry) { return entry.first == unit; });
    const double scale =
        split == 0 || found == kUnits.end() ? 0 : Number(text.substr(0, split), line);
    if (scale <= 0) {
      lexer_.Fail(line,
                  fmt::format("expected a time scale such as 1ns, got '{}'", text.substr(0, 40)));
    }
    const double per_ns = found->second;
    return scale * per_ns;
  }

  // An identifier with its escapes removed and its hierarchy joined with '.', the
  // GateNetlist's separator.
  std::string Name(const std::string& text) const {
    std::string name;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        name += text[++i];
      } else {
        name += text[i] == divider_ ? '.' : text[i];
      }
    }
    return name;
  }

  SdfCell Cell(int line, double& max_interconnect_ns) {
    SdfCell cell;
    cell.line = line;
    Expect(Token::Kind::kOpen, "'(CELLTYPE'");
    ExpectKeyword("CELLTYPE");
    cell.cell_type = Expect(Token::Kind::kString, "a quoted cell type").text;
    Expect(Token::Kind::kClose, "')' closing CELLTYPE");
    Expect(Token::Kind::kOpen, "'(INSTANCE'");
    ExpectKeyword("INSTANCE");
    Token token = lexer_.Next();
    if (token.kind == Token::Kind::kWord) {
      if (token.text == "*") {
        lexer_.Fail(token.line, "wildcard instances (INSTANCE *) are not supported");
      }
      cell.instance = Name(token.text);
      token = lexer_.Next();
    }
    if (token.kind != Token::Kind::kClose) {
      Fail(token, "')' closing INSTANCE");
    }
    for (token = lexer_.Next(); token.kind != Token::Kind::kClose; token = lexer_.Next()) {
      if (token.kind != Token::Kind::kOpen) {
        Fail(token, "'(DELAY' or '(TIMINGCHECK', or ')' closing CELL");
      }
      const Token keyword = Expect(Token::Kind::kWord, "DELAY, TIMINGCHECK or TIMINGENV");
      if (keyword.text == "DELAY") {
        Delay(cell, max_interconnect_ns);
      } else if (keyword.text == "TIMINGCHECK" || keyword.text == "TIMINGENV" ||
                 keyword.text == "LABEL") {
        SkipRest();  // checks and constraints: no delay of a simulated transition
      } else {
        Fail(keyword, "DELAY, TIMINGCHECK or TIMINGENV");
      }
    }
    return cell;
  }

  void Delay(SdfCell& cell, double& max_interconnect_ns) {
    for (Token token = lexer_.Next(); token.kind != Token::Kind::kClose; token = lexer_.Next()) {
      if (token.kind != Token::Kind::kOpen) {
        Fail(token, "'(ABSOLUTE', or ')' closing DELAY");
      }
      const Token keyword = Expect(Token::Kind::kWord, "ABSOLUTE");
      if (keyword.text != "ABSOLUTE") {
        // INCREMENT adds to delays given elsewhere; PATHPULSE limits pulses: both would change
        // what the simulation sees.
        lexer_.Fail(keyword.line, fmt::format("'{}' delays are not supported (only ABSOLUTE)",
                                              keyword.text.substr(0, 40)));
      }
      for (token = lexer_.Next(); token.kind != Token::Kind::kClose; token = lexer_.Next()) {
        if (token.kind != Token::Kind::kOpen) {
          Fail(token, "'(IOPATH' or '(INTERCONNECT', or ')' closing ABSOLUTE");
        }
        const Token entry = Expect(Token::Kind::kWord, "IOPATH or INTERCONNECT");
        if (entry.text == "IOPATH") {
          cell.arcs.push_back(IoPath(entry.line));
        } else if (entry.text == "INTERCONNECT") {
          Expect(Token::Kind::kWord, "the INTERCONNECT's source port");
          Expect(Token::Kind::kWord, "the INTERCONNECT's load port");
          for (const auto& value : Values(entry.line, "INTERCONNECT")) {
            max_interconnect_ns = std::max(max_interconnect_ns, std::abs(value.value_or(0)));
          }
        } else {
          lexer_.Fail(entry.line, fmt::format("'{}' delays are not supported (IOPATH and "
                                              "INTERCONNECT are)",
                                              entry.text.substr(0, 40)));
        }
      }
    }
  }

  SdfArc IoPath(int line) {
    SdfArc arc;
    arc.line = line;
    Token token = lexer_.Next();
    if (token.kind == Token::Kind::kOpen) {
      const Token edge = Expect(Token::Kind::kWord, "posedge or negedge");
      if (edge.text != "posedge" && edge.text != "negedge") {
        Fail(edge, "posedge or negedge");
      }
      arc.edge = edge.text;
      token = lexer_.Next();
      if (token.kind != Token::Kind::kWord) {
        Fail(token, "the IOPATH's input port");
      }
      arc.from_pin = Name(token.text);
      Expect(Token::Kind::kClose, "')' closing the port edge");
    } else if (token.kind == Token::Kind::kWord) {
      arc.from_pin = Name(token.text);
    } else {
      Fail(token, "the IOPATH's input port");
    }
    arc.to_pin = Name(Expect(Token::Kind::kWord, "the IOPATH's output port").text);
    const std::vector<std::optional<double>> values = Values(line, "IOPATH");
    // One value serves both transitions; of 2, 3, 6 or 12 the first two are 0->1 and 1->0.
    arc.rise_ns = values[0];
    arc.fall_ns = values.size() > 1 ? values[1] : values[0];
    return arc;
  }

  // The delay values of an IOPATH or INTERCONNECT and its closing ')': 1, 2, 3, 6 or 12.
  std::vector<std::optional<double>> Values(int line, const std::string& what) {
    std::vector<std::optional<double>> values;
    for (Token token = lexer_.Next(); token.kind != Token::Kind::kClose; token = lexer_.Next()) {
      if (token.kind != Token::Kind::kOpen) {
        Fail(token, "'(' of a delay value or ')' closing " + what);
      }
      values.push_back(Value());
    }
    const std::size_t count = values.size();
    if (count != 1 && count != 2 && count != 3 && count != 6 && count != 12) {
      lexer_.Fail(
          line, fmt::format("expected 1, 2, 3, 6 or 12 delay values in {}, found {}", what, count));
    }
    return values;
  }

  // "()", "(v)", "(min:typ:max)" with any part left out, after its '(' was read: typ, else
  // max, else min (see SdfArc).
  std::optional<double> Value() {
    std::string text;  // the words up to ')', so that "( 1 : 2 : 3 )" reads like "(1:2:3)"
    Token token = lexer_.Next();
    const int line = token.line;
    for (; token.kind != Token::Kind::kClose; token = lexer_.Next()) {
      if (token.kind != Token::Kind::kWord) {
        Fail(token, token.kind == Token::Kind::kOpen
                        ? "a number (pulse limits in nested parentheses are not supported)"
                        : "a delay value such as (0.1:0.12:0.15) and its ')'");
      }
      // Words stay apart unless a ':' joins them, so "(0.1 0.2)" is refused, not 0.10.2.
      const bool joined = text.empty() || text.back() == ':' || token.text.front() == ':';
      text += joined ? token.text : " " + token.text;
    }
    if (text.empty()) {
      return std::nullopt;
    }
    std::vector<std::string> parts(1);
    for (const char c : text) {
      if (c == ':') {
        parts.emplace_back();
      } else {
        parts.back() += c;
      }
    }
    if (parts.size() == 2 || parts.size() > 3) {
      lexer_.Fail(line, fmt::format("expected a delay value such as 0.1 or 0.1:0.12:0.15, "
                                    "got '{}'",
                                    text.substr(0, 40)));
    }
    std::vector<std::optional<double>> numbers;  // every given part must be a number
    for (const std::string& part : parts) {
      numbers.push_back(part.empty() ? std::nullopt : std::optional(Number(part, line)));
    }
    return parts.size() == 1 ? numbers[0]
           : numbers[1]      ? numbers[1]
           : numbers[2]      ? numbers[2]
                             : numbers[0];
  }

  std::string origin_;
  Lexer lexer_;
  char divider_ = '.';  // SDF's default hierarchy divider
};

}  // namespace

SdfFile ParseSdf(const std::string& text, const std::string& origin) {
  return Parser(text, origin).File();
}

SdfFile ReadSdf(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    throw InputError(file.string(), "", "cannot open SDF file");
  }
  const std::string text((std::istreambuf_iterator<char>(stream)),
                         std::istreambuf_iterator<char>());
  return ParseSdf(text, file.string());
}

}  // namespace powersel::power
