// Adapter from one generated Verilator class (ports of rtl/ws_array.sv) to ArrayModel.
// Included only by the per-size instance files, which are built with Verilator's defines.
#pragma once

#include <verilated.h>
#if VM_TRACE
#include <verilated_fst_c.h>
#endif

#include <array>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "array_model.hpp"
#include "powersel/common/errors.hpp"

namespace powersel::tb::detail {

// Ports narrower than 65 bits are plain integers; wider ones are VlWide word arrays.
inline void StoreWords(CData& port, const std::uint32_t* words) {
  port = CData(words[0]);
}
inline void StoreWords(SData& port, const std::uint32_t* words) {
  port = SData(words[0]);
}
inline void StoreWords(IData& port, const std::uint32_t* words) {
  port = words[0];
}
inline void StoreWords(QData& port, const std::uint32_t* words) {
  port = (QData{words[1]} << 32) | words[0];
}
template <std::size_t N>
void StoreWords(VlWide<N>& port, const std::uint32_t* words) {
  for (std::size_t i = 0; i < N; ++i) {
    port[i] = words[i];
  }
}

inline void LoadWords(const IData& port, std::uint32_t* words) {
  words[0] = port;
}
inline void LoadWords(const QData& port, std::uint32_t* words) {
  words[0] = static_cast<std::uint32_t>(port);
  words[1] = static_cast<std::uint32_t>(port >> 32);
}
template <std::size_t N>
void LoadWords(const VlWide<N>& port, std::uint32_t* words) {
  for (std::size_t i = 0; i < N; ++i) {
    words[i] = port[i];
  }
}

// Packs lanes of `lane_bits` bits, lane 0 in the least significant bits.
template <typename T>
void PackLanes(std::span<const T> lanes, int lane_bits, std::vector<std::uint32_t>& words) {
  std::fill(words.begin(), words.end(), 0U);
  const std::uint64_t mask = (std::uint64_t{1} << lane_bits) - 1;
  for (std::size_t lane = 0; lane < lanes.size(); ++lane) {
    const std::uint64_t value = static_cast<std::uint64_t>(lanes[lane]) & mask;
    const std::size_t bit = lane * lane_bits;
    const std::size_t word = bit / 32;
    const int shift = static_cast<int>(bit % 32);
    words[word] |= static_cast<std::uint32_t>(value << shift);
    if (shift + lane_bits > 32) {
      words[word + 1] |= static_cast<std::uint32_t>(value >> (32 - shift));
    }
  }
}

inline std::int32_t UnpackSignedLane(const std::vector<std::uint32_t>& words, int lane,
                                     int lane_bits) {
  const std::size_t bit = static_cast<std::size_t>(lane) * lane_bits;
  const std::size_t word = bit / 32;
  const int shift = static_cast<int>(bit % 32);
  std::uint64_t value = words[word] >> shift;
  if (shift + lane_bits > 32) {
    value |= std::uint64_t{words[word + 1]} << (32 - shift);
  }
  const std::uint64_t mask = (std::uint64_t{1} << lane_bits) - 1;
  const std::uint64_t sign = std::uint64_t{1} << (lane_bits - 1);
  value &= mask;
  return static_cast<std::int32_t>(static_cast<std::int64_t>(value ^ sign) -
                                   static_cast<std::int64_t>(sign));
}

constexpr std::size_t WordsFor(int bits) {
  return (static_cast<std::size_t>(bits) + 31) / 32;
}

// Storage of a generated member, for the configure-time member lists (<PREFIX>_members.cpp):
// plain integers, VlWide word arrays (wide load row) and VlUnpacked stages (delay lines).
template <typename T>
MemberSignal Member(const T& value, int width) {
  static_assert(std::is_integral_v<T>);
  return {.data = reinterpret_cast<const std::uint8_t*>(&value),
          .element_bytes = sizeof(T),
          .width = width};
}
template <std::size_t N>
MemberSignal Member(const VlWide<N>& value, int width) {
  return {.data = reinterpret_cast<const std::uint8_t*>(value.data()),
          .element_bytes = sizeof(EData) * N,
          .width = width};
}
template <typename T, std::size_t N>
MemberSignal Member(const VlUnpacked<T, N>& value, int width) {
  MemberSignal signal = Member(value[0], width);
  signal.elements = N;
  return signal;
}

// The five counted registers and nets of PE (r, c), rtl/ws_pe.sv widths.
template <typename A, typename V, typename W, typename P, typename S>
void AddPeMembers(std::vector<MemberSignal>& signals, int row, int col, const A& act,
                  const V& act_valid, const W& weight, const P& product, const S& psum) {
  const std::pair<MemberSignal, PeSignal> members[] = {
      {Member(act, kActivationBits), PeSignal::kActivation},
      {Member(act_valid, 1), PeSignal::kActivationValid},
      {Member(weight, kWeightBits), PeSignal::kWeight},
      {Member(product, kWeightBits + kActivationBits), PeSignal::kProduct},
      {Member(psum, kPsumBits), PeSignal::kPsum}};
  for (auto [signal, which] : members) {
    signal.kind = MemberSignal::Kind::kPe;
    signal.row = row;
    signal.col = col;
    signal.signal = which;
    signals.push_back(signal);
  }
}

template <typename T>
void AddEdgeMember(std::vector<MemberSignal>& signals, MemberSignal::Kind kind, int index,
                   const T& value, int width) {
  MemberSignal signal = Member(value, width);
  signal.kind = kind;
  signal.row = index;
  signal.col = index;
  signals.push_back(signal);
}

template <typename VModel, bool kTraceable>
class VerilatedArray final : public ArrayModel {
 public:
  // Lists the counted signals of a model by their generated member names.
  using MemberLister = std::vector<MemberSignal> (*)(const VModel&);

  // Tracing costs time on every evaluation once enabled, so it is enabled only on request.
  VerilatedArray(ArrayShape shape, bool enable_trace, MemberLister list_members)
      : shape_(shape),
        list_members_(list_members),
        context_(std::make_unique<VerilatedContext>()),
        weight_words_(WordsFor(shape.cols * kWeightBits) + 1),
        activation_words_(WordsFor(shape.rows * kActivationBits) + 1),
        psum_words_(WordsFor(shape.cols * kPsumBits) + 1),
        column_words_(WordsFor(shape.cols) + 1) {
    // Datapath registers start at zero, as a gate-level netlist does, for reproducible counts.
    context_->randReset(0);
    context_->traceEverOn(kTraceable && enable_trace);
    // Scopes register with the thread's current context: make it ours (see the destructor).
    Verilated::threadContextp(context_.get());
    model_ = std::make_unique<VModel>(context_.get(), "TOP");
  }

  ~VerilatedArray() override {
#if VM_TRACE
    if (trace_) {
      trace_->close();
    }
#endif
    model_->final();
    // Scopes unregister from the thread's current context, which may be another model's (or
    // one already destroyed) when several models share a thread.
    Verilated::threadContextp(context_.get());
    model_.reset();
  }

  ArrayShape shape() const override {
    return shape_;
  }
  VerilatedContext& context() override {
    return *context_;
  }

  void SetClock(bool high) override {
    model_->clk_i = high;
  }
  void SetResetN(bool high) override {
    model_->rst_ni = high;
  }

  void SetWeightRow(bool valid, std::span<const std::int8_t> row) override {
    model_->wload_valid_i = valid;
    PackLanes(row, kWeightBits, weight_words_);
    StoreWords(model_->wload_row_i, weight_words_.data());
  }

  void SetActivations(bool valid, std::span<const std::uint8_t> activations) override {
    model_->act_valid_i = valid;
    PackLanes(activations, kActivationBits, activation_words_);
    StoreWords(model_->act_i, activation_words_.data());
  }

  void SetColumnEnables(std::span<const std::uint8_t> enables) override {
    PackLanes(enables, 1, column_words_);
    StoreWords(model_->col_enable_i, column_words_.data());
  }

  void SetPsumTop(std::span<const std::int32_t> psums) override {
    PackLanes(psums, kPsumBits, psum_words_);
    StoreWords(model_->psum_top_i, psum_words_.data());
  }

  void Eval() override {
    model_->eval();
  }

  bool OutputValid() const override {
    return model_->out_valid_o;
  }

  void ReadOutputs(std::span<std::int32_t> psums) const override {
    LoadWords(model_->out_psum_o, psum_words_.data());
    for (int col = 0; col < shape_.cols; ++col) {
      psums[col] = UnpackSignedLane(psum_words_, col, kPsumBits);
    }
  }

  std::vector<MemberSignal> MemberSignals() const override {
    return list_members_(*model_);
  }

  bool CanTrace() const override {
    return kTraceable;
  }

  void OpenTrace(const std::filesystem::path& path) override {
#if VM_TRACE
    if constexpr (kTraceable) {
      trace_ = std::make_unique<VerilatedFstC>();
      constexpr int kTraceDepth = 99;
      model_->trace(trace_.get(), kTraceDepth);
      trace_->open(path.c_str());
      if (!trace_->isOpen()) {
        throw InputError(path.string(), "--trace", "cannot open the waveform file for writing");
      }
    }
#else
    (void)path;
#endif
  }

  void DumpTrace(std::uint64_t time) override {
#if VM_TRACE
    if (trace_) {
      trace_->dump(time);
    }
#else
    (void)time;
#endif
  }

 private:
  ArrayShape shape_;
  MemberLister list_members_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VModel> model_;
#if VM_TRACE
  std::unique_ptr<VerilatedFstC> trace_;
#endif
  std::vector<std::uint32_t> weight_words_;
  std::vector<std::uint32_t> activation_words_;
  mutable std::vector<std::uint32_t> psum_words_;
  std::vector<std::uint32_t> column_words_;
};

}  // namespace powersel::tb::detail
