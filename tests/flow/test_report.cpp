// The report's forms (Markdown, self-contained HTML, stored JSON) and the records that let a
// run skip a finished step.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "powersel/flow/report.hpp"
#include "run_steps.hpp"

using powersel::flow::Report;
namespace detail = powersel::flow::detail;

namespace {

Report Sample() {
  Report report("sample");
  report.Heading("A <section>");
  report.Paragraph("text & more");
  report.Table({"a", "b"}, {{"1", "2"}, {"3", "4"}});
  report.Code("seed: 1\narray:\n  rows: 4\n");
  report.Image("picture.png", "a picture");
  return report;
}

}  // namespace

TEST_CASE("the HTML report embeds its images and names a missing one", "[flow]") {
  const auto dir = std::filesystem::temp_directory_path() / "powersel_report_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // "Man" is base64 "TWFu", "Ma" is "TWE=" (RFC 4648's own examples).
  std::ofstream(dir / "picture.png", std::ios::binary) << "ManMa";
  const std::string html = Sample().Html(dir);
  CHECK(html.find("src=\"data:image/png;base64,TWFuTWE=\"") != std::string::npos);
  CHECK(html.find("picture.png") == std::string::npos);  // nothing refers outside the file
  CHECK(html.find("A &lt;section&gt;") != std::string::npos);
  CHECK(html.find("<pre>seed: 1\narray:\n  rows: 4\n</pre>") != std::string::npos);
  CHECK(html.find("data-images") != std::string::npos);

  std::filesystem::remove(dir / "picture.png");
  const std::string without = Sample().Html(dir);
  CHECK(without.find("<img") == std::string::npos);
  CHECK(without.find("plot picture.png not available") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a report section stored as JSON reads back to the same report", "[flow]") {
  const Report sample = Sample();
  const std::optional<Report> back = Report::FromJson(sample.ToJson());
  REQUIRE(back);
  CHECK(back->Markdown() == sample.Markdown());
  Report joined("joined");
  joined.Append(sample);
  CHECK(joined.Markdown().find("## A <section>") != std::string::npos);
  CHECK_FALSE(
      Report::FromJson(nlohmann::json::parse(R"({"title": "x", "blocks": [{"video": 1}]})")));
  CHECK_FALSE(Report::FromJson(nlohmann::json::parse(R"({"blocks": []})")));
  CHECK_FALSE(Report::FromJson(nlohmann::json::parse("[]")));
}

TEST_CASE("a step's key changes with every input and with nothing else", "[flow]") {
  const std::string key = detail::StepKey({"seed: 1\n", "rows: 4\n"});
  CHECK(key.size() == 16);
  CHECK(key == detail::StepKey({"seed: 1\n", "rows: 4\n"}));
  CHECK(key != detail::StepKey({"seed: 2\n", "rows: 4\n"}));
  CHECK(key != detail::StepKey({"seed: 1\n", "rows: 8\n"}));
  // Parts cannot run into each other.
  CHECK(detail::StepKey({"ab", "c"}) != detail::StepKey({"a", "bc"}));
}

TEST_CASE("a step is finished only with its record stored under the same key", "[flow]") {
  const auto dir = std::filesystem::temp_directory_path() / "powersel_steps_test";
  std::filesystem::remove_all(dir);
  const detail::StepRecords records(dir);
  CHECK_FALSE(records.Finished("train", "k1"));
  detail::StepRecord record{"k1", {"train: 3 mismatches"}, Sample(), {{"network", "n.json"}}};
  records.Store("train", record);
  const std::optional<detail::StepRecord> back = records.Finished("train", "k1");
  REQUIRE(back);
  CHECK(back->failures == record.failures);
  CHECK(back->section.Markdown() == record.section.Markdown());
  CHECK(back->data == record.data);
  CHECK_FALSE(records.Finished("train", "k2"));
  CHECK_FALSE(records.Finished("compress", "k1"));
  records.Forget("train");
  CHECK_FALSE(records.Finished("train", "k1"));
  // A record cut short (an interrupted write of another tool) is no record.
  std::ofstream(dir / "steps" / "train.json") << detail::StepRecordText(record).substr(0, 40);
  CHECK_FALSE(records.Finished("train", "k1"));
  std::filesystem::remove_all(dir);
}
