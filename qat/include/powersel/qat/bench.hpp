// Training speed of the QAT networks: images per second over timed training steps.
#pragma once

#include <cstdint>

#include "powersel/qat/architecture.hpp"

namespace powersel::qat {

struct QatBenchResult {
  double float_images_per_s = 0;
  double qat_images_per_s = 0;
};

// `steps` optimizer steps of `batch` random 1 x 28 x 28 images after `warmup` untimed ones,
// first in float and then fake-quantised, on `threads` threads.
QatBenchResult BenchmarkTraining(ModelKind model, int batch, int steps, int warmup, int threads,
                                 std::uint64_t seed);

}  // namespace powersel::qat
