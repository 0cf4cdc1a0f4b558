// The array's size and the RTL's fixed datapath widths (rtl/ws_array.sv parameters).
#pragma once

#include <cstdint>

namespace powersel::tb {

struct ArrayShape {
  int rows = 8;
  int cols = 8;
  friend bool operator==(const ArrayShape&, const ArrayShape&) = default;
};

inline constexpr int kWeightBits = 8;
inline constexpr int kActivationBits = 8;
inline constexpr int kPsumBits = 22;

// Two's-complement wrap to the array's 22-bit partial sum; also the sign extension of a raw
// 22-bit register value.
constexpr std::int32_t WrapPsum(std::int64_t value) {
  constexpr std::uint64_t kMask = (std::uint64_t{1} << kPsumBits) - 1;
  constexpr std::uint64_t kSign = std::uint64_t{1} << (kPsumBits - 1);
  const std::uint64_t bits = static_cast<std::uint64_t>(value) & kMask;
  return static_cast<std::int32_t>(static_cast<std::int64_t>(bits ^ kSign) -
                                   static_cast<std::int64_t>(kSign));
}

}  // namespace powersel::tb
