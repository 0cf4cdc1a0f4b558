// Shared by the network fuzz targets: a network that Validate (or the reader) accepts must run
// through the integer engine on an image of its input shape, and give one logit per class.
#pragma once

#include <cstdint>
#include <vector>

#include "fuzz_input.hpp"
#include "powersel/qat/integer_engine.hpp"

namespace powersel::fuzz {

inline void RunNetwork(const qat::QuantizedNetwork& network, tb::ArrayShape array) {
  const qat::IntegerEngine engine(network, array);
  std::vector<std::uint8_t> image(static_cast<std::size_t>(network.input_channels) *
                                  network.input_height * network.input_width);
  for (std::size_t i = 0; i < image.size(); ++i) {
    image[i] = static_cast<std::uint8_t>(i * 37);
  }
  const qat::Inference inference = engine.Run(image);
  Require(inference.logits.size() == static_cast<std::size_t>(network.classes),
          "one logit per class");
}

}  // namespace powersel::fuzz
