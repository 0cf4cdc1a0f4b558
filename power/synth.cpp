#include "powersel/power/synth.hpp"

#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdlib>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/shell.hpp"

namespace powersel::power {

MappedDesign MapArrayToLibrary(const std::filesystem::path& liberty, tb::ArrayShape shape,
                               const std::filesystem::path& dir, const PeFeatures& pe) {
  if (!std::filesystem::is_regular_file(liberty)) {
    throw InputError(liberty.string(), "--liberty", "no such liberty file");
  }
  EnsureOutputDirectory(dir, "--out");
  const std::filesystem::path log = dir / "yosys.log";
  const std::string command = fmt::format(
      "env POWERSEL_RTL_DIR={} POWERSEL_LIBERTY={} POWERSEL_ROWS={} POWERSEL_COLS={} "
      "POWERSEL_ZERO_WEIGHT_ISOLATION={:d} POWERSEL_SIGN_MAGNITUDE={:d} "
      "POWERSEL_ZERO_ACTIVATION_ISOLATION={:d} POWERSEL_CLOCK_GATING={:d} "
      "POWERSEL_IDLE_COLUMN_GATING={:d} POWERSEL_OUT_DIR={} yosys -q -l {} -c {} >/dev/null 2>&1",
      ShellQuoted(POWERSEL_RTL_DIR), ShellQuoted(std::filesystem::absolute(liberty).string()),
      shape.rows, shape.cols, pe.zero_weight_isolation, pe.sign_magnitude,
      pe.zero_activation_isolation, pe.clock_gating, pe.idle_column_gating,
      ShellQuoted(std::filesystem::absolute(dir).string()), ShellQuoted(log.string()),
      ShellQuoted(POWERSEL_SYNTH_SCRIPT));
  const int status = std::system(command.c_str());
  if (status != 0 || !std::filesystem::exists(dir / "ws_array_gates.json")) {
    throw InputError(liberty.string(), "--liberty",
                     fmt::format("Yosys could not map the array to this library (exit {}); see {}",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, log.string()));
  }
  return {dir / "ws_array_gates.json", dir / "synth_report.txt", dir / "ws_pe_gates.v"};
}

MappedDesign DefaultMappedDesign() {
  const std::filesystem::path dir = POWERSEL_DEFAULT_GATE_DIR;
  return {dir / "ws_array_gates.json", dir / "synth_report.txt", dir / "ws_pe_gates.v"};
}

}  // namespace powersel::power
