// The array's size and the RTL's fixed datapath widths (rtl/ws_array.sv parameters).
#pragma once

namespace powersel::tb {

struct ArrayShape {
  int rows = 8;
  int cols = 8;
  friend bool operator==(const ArrayShape&, const ArrayShape&) = default;
};

inline constexpr int kWeightBits = 8;
inline constexpr int kActivationBits = 8;
inline constexpr int kPsumBits = 22;

}  // namespace powersel::tb
