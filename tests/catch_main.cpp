// The test runner: Catch2's main, with progress lines switched off so test output stays
// readable.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "powersel/common/progress.hpp"

int main(int argc, char* argv[]) {
  powersel::SetProgressEnabled(false);
  return Catch::Session().run(argc, argv);
}
