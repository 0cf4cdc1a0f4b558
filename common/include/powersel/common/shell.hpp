// Building command lines for the external tools the flow runs (Yosys, OpenSTA).
#pragma once

#include <string>

namespace powersel {

// `text` in single quotes for /bin/sh, with embedded quotes escaped.
inline std::string ShellQuoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

}  // namespace powersel
