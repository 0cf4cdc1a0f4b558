// Tests of one array size run only where the build verilated it: the sanitizer build
// (scripts/sanitize.sh) compiles the small arrays only, to stay quick.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>

#include "powersel/tb/harness.hpp"

namespace powersel::tb::testing {

// True if this build has a model of `shape`; otherwise warns that the test is skipped.
inline bool ArrayBuilt(ArrayShape shape) {
  const std::vector<ArrayShape> shapes = AvailableShapes();
  if (std::find(shapes.begin(), shapes.end(), shape) != shapes.end()) {
    return true;
  }
  WARN("skipped: no " << shape.rows << "x" << shape.cols << " array model in this build");
  return false;
}

}  // namespace powersel::tb::testing
