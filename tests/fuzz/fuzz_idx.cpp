// libFuzzer target: IDX files (common/idx.cpp). Each input is read as it is (gzopen reads plain
// and gzip files alike, so the gzip seeds exercise corrupt streams) and gzip-compressed by the
// harness (arbitrary headers behind the gzip path).
#include <cstdint>
#include <functional>
#include <numeric>

#include "fuzz_input.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/idx.hpp"

namespace {

void ReadOne(const std::filesystem::path& path) {
  try {
    const powersel::IdxArray array = powersel::ReadIdx(path);
    const std::size_t count =
        std::accumulate(array.dims.begin(), array.dims.end(), std::size_t{1}, std::multiplies<>());
    powersel::fuzz::Require(array.values.size() == count, "values match the declared dims");
    if (array.dims.size() == 3 && array.dims[0] > 0) {
      const auto images = powersel::ReadIdxImages(path, 1);
      powersel::fuzz::Require(images.front().values().size() == array.ItemSize(),
                              "an image holds height x width pixels");
    }
  } catch (const powersel::InputError&) {
    // Refusing bad input with a one-line error is the expected outcome.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ReadOne(powersel::fuzz::WriteInput("input.idx", data, size));
  ReadOne(powersel::fuzz::WriteGzipInput("input.idx.gz", data, size));
  return 0;
}
