#include "powersel/tb/pe_model.hpp"

#include <fmt/format.h>
#include <verilated.h>
#include <verilated_syms.h>

#include "Vpe_gates.h"
#include "Vpe_rtl.h"
#include "powersel/tb/array_shape.hpp"

namespace powersel::tb {

namespace {

// One public variable of the gate-level model, watched bit by bit.
struct WatchedNet {
  std::string name;
  const std::uint8_t* data;
  int bits;
  std::vector<std::uint64_t> rises;
  std::vector<std::uint64_t> falls;
  std::vector<bool> last;
};

template <typename VModel>
class VerilatedPe final : public PeModel {
 public:
  explicit VerilatedPe(bool watch_nets) : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    // Scopes register with the thread's current context: make it ours (see the destructor).
    Verilated::threadContextp(context_.get());
    model_ = std::make_unique<VModel>(context_.get(), "TOP");
    // Power-on like the gate-level simulator: every input low, the logic settled.
    model_->rst_ni = 0;
    model_->clk_i = 0;
    model_->eval();
    if (watch_nets) {
      WatchPublicNets();
    }
  }

  ~VerilatedPe() override {
    model_->final();
    // Scopes unregister from the thread's current context, which may be another model's (or
    // one already destroyed) when several models share a thread.
    Verilated::threadContextp(context_.get());
    model_.reset();
  }

  PeOutputs Step(const PeInputs& inputs) override {
    model_->clk_i = 1;
    model_->eval();
    model_->act_i = inputs.act;
    model_->act_valid_i = inputs.act_valid;
    model_->psum_i = static_cast<std::uint32_t>(inputs.psum) & ((1U << kPsumBits) - 1);
    model_->weight_i = static_cast<std::uint8_t>(inputs.weight);
    model_->wload_shift_i = inputs.shift;
    model_->rst_ni = inputs.rst_n;
    model_->eval();
    SampleNets();
    model_->clk_i = 0;
    model_->eval();
    return {static_cast<std::uint8_t>(model_->act_o), model_->act_valid_o != 0,
            WrapPsum(model_->psum_o), static_cast<std::int8_t>(model_->weight_o)};
  }

  std::vector<NetToggles> Toggles() const override {
    std::vector<NetToggles> toggles;
    for (const WatchedNet& net : nets_) {
      for (int bit = 0; bit < net.bits; ++bit) {
        toggles.push_back({net.bits == 1 ? net.name : fmt::format("{}[{}]", net.name, bit),
                           net.rises[static_cast<std::size_t>(bit)],
                           net.falls[static_cast<std::size_t>(bit)]});
      }
    }
    return toggles;
  }

 private:
  void WatchPublicNets() {
    for (const auto& [scope_name, scope] : *context_->scopeNameMap()) {
      if (scope->varsp() == nullptr) {
        continue;
      }
      for (const auto& [var_name, var] : *scope->varsp()) {
        const int bits = var.packed().elements();
        if (var.udims() != 0 || bits > 32) {
          continue;  // the netlist has single bits and narrow ports only
        }
        const auto size = static_cast<std::size_t>(bits);
        nets_.push_back({var_name, static_cast<const std::uint8_t*>(var.datap()), bits,
                         std::vector<std::uint64_t>(size), std::vector<std::uint64_t>(size),
                         std::vector<bool>(size)});
      }
    }
    SampleNets();
    for (WatchedNet& net : nets_) {
      std::fill(net.rises.begin(), net.rises.end(), 0);
      std::fill(net.falls.begin(), net.falls.end(), 0);
    }
  }

  void SampleNets() {
    for (WatchedNet& net : nets_) {
      std::uint32_t value = 0;
      std::memcpy(&value, net.data, net.bits <= 8 ? 1 : net.bits <= 16 ? 2 : 4);
      for (int bit = 0; bit < net.bits; ++bit) {
        const bool now = ((value >> bit) & 1U) != 0;
        const auto index = static_cast<std::size_t>(bit);
        if (now != net.last[index]) {
          ++(now ? net.rises : net.falls)[index];
          net.last[index] = now;
        }
      }
    }
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VModel> model_;
  std::vector<WatchedNet> nets_;
};

}  // namespace

std::unique_ptr<PeModel> PeModel::MakeRtl() {
  return std::make_unique<VerilatedPe<Vpe_rtl>>(false);
}

std::unique_ptr<PeModel> PeModel::MakeGateLevel() {
  return std::make_unique<VerilatedPe<Vpe_gates>>(true);
}

}  // namespace powersel::tb
