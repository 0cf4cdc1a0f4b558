// Which compressed networks a replay compares: compress.json's choices, read back.
#pragma once

#include <filesystem>
#include <string>

namespace powersel::flow {

// The compressed networks compress.json names (paths resolved against its folder). The
// baseline is the one at ours' accuracy when compress found one, else its own choice.
struct CompressChoice {
  std::filesystem::path ours;
  std::filesystem::path baseline;
  bool baseline_at_equal_accuracy = false;
  // Test top-1 of the trained network and of ours (the integer engine's; the RTL's is the
  // same, bit-exact); -1 where compress.json does not give them.
  double trained_test_top1 = -1;
  double ours_test_top1 = -1;
};
CompressChoice ReadCompressChoice(const std::filesystem::path& compress_json);
// The same from text in memory (tests, fuzzing); `origin` names it in errors.
CompressChoice ParseCompressChoice(const std::string& text, const std::string& origin);

}  // namespace powersel::flow
