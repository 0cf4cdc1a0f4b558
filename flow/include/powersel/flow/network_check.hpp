// An integer network on the Verilated array: every GEMM layer's input and the logits against
// the software engine that tiles K like the array, and the class the RTL's logits give.
// Train's RTL check and replay's top-1 both run it.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "powersel/power/pe_features.hpp"
#include "powersel/qat/dataset.hpp"
#include "powersel/qat/quantized_network.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::flow {

struct NetworkRtlCheck {
  std::size_t images = 0;
  tb::ArrayShape array;
  std::uint64_t gemm_layers = 0;  // layer evaluations compared
  std::uint64_t mismatches = 0;   // layer inputs or logits that differ
  std::vector<int> predicted;     // per image: the class of the RTL's logits
  double seconds = 0;

  bool passed() const { return mismatches == 0; }
};

// Runs the first `images` images of `dataset` through `network` twice, in software and with
// its GEMMs on the `array`-sized Verilated array (both tile K by the array's rows), images
// spread over `threads` threads (a Verilated model each); the Verilated array is the one
// whose PEs hold as PEs with `pe` do (power::RtlArrayOptions).
NetworkRtlCheck CheckNetworkOnRtl(const qat::QuantizedNetwork& network,
                                  const qat::ImageDataset& dataset, std::size_t images,
                                  tb::ArrayShape array, int threads = 1,
                                  const power::PeFeatures& pe = {});

nlohmann::json ToJson(const NetworkRtlCheck& check);

}  // namespace powersel::flow
