// A trained integer network on the Verilated array: every GEMM layer's input and the logits
// against the software engine that tiles K like the array. The seed of the replay step.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>

#include "powersel/qat/dataset.hpp"
#include "powersel/qat/quantized_network.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::flow {

struct NetworkRtlCheck {
  std::size_t images = 0;
  tb::ArrayShape array;
  std::uint64_t gemm_layers = 0;  // layer evaluations compared
  std::uint64_t mismatches = 0;   // layer inputs or logits that differ

  bool passed() const { return mismatches == 0; }
};

// Runs the first `images` images of `dataset` through `network` twice, in software and with
// its GEMMs on the `array`-sized Verilated array (both tile K by the array's rows).
NetworkRtlCheck CheckNetworkOnRtl(const qat::QuantizedNetwork& network,
                                  const qat::ImageDataset& dataset, std::size_t images,
                                  tb::ArrayShape array);

nlohmann::json ToJson(const NetworkRtlCheck& check);

}  // namespace powersel::flow
