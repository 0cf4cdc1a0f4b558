#include "trace_recorder.hpp"

#include <fmt/format.h>
#include <verilated.h>
#include <verilated_syms.h>

#include <map>
#include <string>

#include "powersel/common/errors.hpp"
#include "signal_map.hpp"

namespace powersel::tb::detail {

namespace {

class PublicVariables {
 public:
  explicit PublicVariables(VerilatedContext& context) {
    for (const auto& [scope_name, scope] : *context.scopeNameMap()) {
      if (scope->varsp() != nullptr) {
        for (const auto& [var_name, var] : *scope->varsp()) {
          variables_[DemangleScope(scope_name) + "." + var_name] = &var;
        }
      }
    }
  }

  // Element `element` of a (possibly unpacked-array) variable whose scope ends in `suffix`.
  const std::uint8_t* Find(const std::string& suffix, std::size_t element = 0) const {
    for (const auto& [name, var] : variables_) {
      if (name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return static_cast<const std::uint8_t*>(var->datap()) + element * var->entSize();
      }
    }
    throw CheckFailure("trace recorder: no public signal " + suffix +
                       " (toggle_signals.vlt out of step with the RTL?)");
  }

 private:
  std::map<std::string, const VerilatedVar*> variables_;
};

std::string Pe(int row, int col, const char* variable) {
  return fmt::format(".gen_row[{}].gen_col[{}].u_pe.{}", row, col, variable);
}

}  // namespace

TraceRecorder::TraceRecorder(ArrayModel& model) : shape_(model.shape()) {
  const PublicVariables variables(model.context());
  trace_.shape = shape_;
  const std::uint8_t* load_row = variables.Find("ws_array.wload_row_q");
  shift_ = variables.Find("ws_array.wload_valid_q");
  const std::uint8_t* col_enable = variables.Find("ws_array.col_enable_q");
  for (int r = 0; r < shape_.rows; ++r) {
    for (int c = 0; c < shape_.cols; ++c) {
      PeSources sources;
      // A column the enables turn off sees no valid (ws_array's column gate).
      sources.col_enable = col_enable + c / 8;
      sources.col_enable_bit = static_cast<std::uint8_t>(1U << (c % 8));
      const auto row = static_cast<std::size_t>(r);
      if (c == 0) {
        // The last stage (index r) of row r's skew lines.
        sources.act =
            variables.Find(fmt::format(".u_input_skew.gen_row[{}].u_act_delay.stage_q", r), row);
        // Row r's valid is its own one-stage line at the end of the shared chain.
        sources.act_valid =
            variables.Find(fmt::format(".u_input_skew.gen_row[{}].u_valid_delay.stage_q", r));
      } else {
        sources.act = variables.Find(Pe(r, c - 1, "act_q"));
        sources.act_valid = variables.Find(Pe(r, c - 1, "act_valid_q"));
      }
      if (r == 0) {
        sources.weight = load_row + c;  // byte c of the little-endian load register
      } else {
        sources.psum =
            reinterpret_cast<const std::uint32_t*>(variables.Find(Pe(r - 1, c, "psum_q")));
        sources.weight = variables.Find(Pe(r - 1, c, "weight_q"));
      }
      sources_.push_back(sources);
    }
  }
}

void TraceRecorder::AfterEdge() {
  for (const PeSources& sources : sources_) {
    PeInputs inputs;
    inputs.act = *sources.act;
    inputs.act_valid =
        *sources.act_valid != 0 && (*sources.col_enable & sources.col_enable_bit) != 0;
    if (sources.psum != nullptr) {
      inputs.psum = WrapPsum(*sources.psum);
    }
    inputs.weight = static_cast<std::int8_t>(*sources.weight);
    inputs.shift = *shift_ != 0;
    trace_.pe_inputs.push_back(inputs);
  }
  trace_.ports.emplace_back();
  open_entry_ = true;
}

void TraceRecorder::BeforeEdge(const ArrayPortValues& ports) {
  if (!open_entry_) {
    return;
  }
  const std::size_t pes = sources_.size();
  PeInputs* entry = trace_.pe_inputs.data() + trace_.pe_inputs.size() - pes;
  const auto cols = static_cast<std::size_t>(shape_.cols);
  for (std::size_t pe = 0; pe < pes; ++pe) {
    entry[pe].rst_n = ports.rst_n;
    if (sources_[pe].psum == nullptr) {
      entry[pe].psum = ports.psum_top[pe % cols];
    }
  }
  trace_.ports.back() = ports;
  open_entry_ = false;
}

ArrayTrace TraceRecorder::Take(const ArrayPortValues& ports) {
  BeforeEdge(ports);
  ArrayTrace taken = std::move(trace_);
  trace_ = ArrayTrace{shape_, {}, {}};
  return taken;
}

}  // namespace powersel::tb::detail
