// libFuzzer target: CIFAR-10 binary batches (qat/dataset.cpp ReadCifar10). A batch that reads
// holds whole 3 x 32 x 32 images, one label 0..9 each.
#include <cstdint>

#include "fuzz_input.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/qat/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = powersel::fuzz::WriteInput("data_batch.bin", data, size);
  try {
    const powersel::qat::ImageDataset dataset = powersel::qat::ReadCifar10({path});
    powersel::fuzz::Require(dataset.images.size() == dataset.size() * dataset.ImageSize() &&
                                dataset.ImageSize() == 3 * 32 * 32,
                            "whole 3 x 32 x 32 images, one per label");
    for (const std::uint8_t label : dataset.labels) {
      powersel::fuzz::Require(label < 10, "labels are classes 0..9");
    }
  } catch (const powersel::InputError&) {
    // Refusing bad input with a one-line error is the expected outcome.
  }
  return 0;
}
