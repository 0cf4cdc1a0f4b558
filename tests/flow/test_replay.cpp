// What replay reads back from compress.json, and what it refuses.
#include <catch2/catch.hpp>
#include <string>

#include "powersel/common/errors.hpp"
#include "powersel/flow/compress_choice.hpp"

using powersel::InputError;
using powersel::flow::CompressChoice;
using powersel::flow::ParseCompressChoice;

namespace {

const char* const kChosen =
    R"({"ours": {"network": "compress/ours-lambda2000.qnet.json"},
        "baseline": {"network": "compress/baseline-pool28.qnet.json"},
        "baseline_at_equal_accuracy": {"network": "compress/baseline-pool32.qnet.json"}})";

// The field an InputError names, or "" when the text parses.
std::string RefusedField(const std::string& text) {
  try {
    ParseCompressChoice(text, "compress.json");
  } catch (const InputError& error) {
    CHECK(error.file() == "compress.json");
    return error.field().empty() ? "(file)" : error.field();
  }
  return "";
}

}  // namespace

TEST_CASE("replay takes ours and the baseline at ours' accuracy from compress.json", "[flow]") {
  const CompressChoice choice = ParseCompressChoice(kChosen, "compress.json");
  CHECK(choice.ours == "compress/ours-lambda2000.qnet.json");
  CHECK(choice.baseline == "compress/baseline-pool32.qnet.json");
  CHECK(choice.baseline_at_equal_accuracy);
}

TEST_CASE("without a baseline at ours' accuracy replay takes the baseline's own choice", "[flow]") {
  const CompressChoice choice = ParseCompressChoice(
      R"({"ours": {"network": "compress/a.qnet.json"},
          "baseline": {"network": "compress/b.qnet.json"},
          "baseline_at_equal_accuracy": null})",
      "compress.json");
  CHECK(choice.baseline == "compress/b.qnet.json");
  CHECK_FALSE(choice.baseline_at_equal_accuracy);
}

TEST_CASE("a compress.json replay cannot use is refused with the field named", "[flow]") {
  CHECK(RefusedField("not json") == "(file)");
  CHECK(RefusedField("[1, 2]") == "(file)");
  CHECK(RefusedField(R"({"ours": null, "baseline": {"network": "b"}})") == "ours");
  CHECK(RefusedField(R"({"baseline": {"network": "b"}})") == "ours");
  CHECK(RefusedField(R"({"ours": {"network": 3}, "baseline": {"network": "b"}})") ==
        "ours.network");
  CHECK(RefusedField(R"({"ours": {"network": "../x"}, "baseline": {"network": "b"}})") ==
        "ours.network");
  CHECK(RefusedField(R"({"ours": {"network": "/etc/x"}, "baseline": {"network": "b"}})") ==
        "ours.network");
  CHECK(RefusedField(R"({"ours": {"network": ""}, "baseline": {"network": "b"}})") ==
        "ours.network");
  CHECK(RefusedField(R"({"ours": {"network": "a"}, "baseline": null})") == "baseline");
  CHECK(RefusedField(R"({"ours": {"network": "a"}, "baseline": {"network": "b"},
                         "baseline_at_equal_accuracy": {"network": "x/../../y"}})") ==
        "baseline_at_equal_accuracy.network");
  CHECK(RefusedField(kChosen).empty());
}

TEST_CASE("compress.json's test accuracies are read when given and checked", "[flow]") {
  const CompressChoice choice = ParseCompressChoice(
      R"({"trained": {"test_top1": 0.9}, "ours": {"network": "a", "test_top1": 0.88},
          "baseline": {"network": "b"}})",
      "compress.json");
  CHECK(choice.trained_test_top1 == 0.9);
  CHECK(choice.ours_test_top1 == 0.88);
  CHECK(ParseCompressChoice(kChosen, "compress.json").ours_test_top1 == -1);
  CHECK(RefusedField(
            R"({"ours": {"network": "a", "test_top1": 1.5}, "baseline": {"network": "b"}})") ==
        "ours.test_top1");
  CHECK(RefusedField(R"({"trained": {"test_top1": "high"}, "ours": {"network": "a"},
                         "baseline": {"network": "b"}})") == "trained.test_top1");
}
