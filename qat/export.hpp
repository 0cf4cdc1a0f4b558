// From the trained LibTorch network to the integer network of quantized_network.hpp.
#pragma once

#include "powersel/qat/quantized_network.hpp"
#include "quant_net.hpp"

namespace powersel::qat::detail {

QuantizedNetwork ExportNetwork(QuantNet& model, int channels, int side, int classes,
                               const std::string& dataset);

}  // namespace powersel::qat::detail
