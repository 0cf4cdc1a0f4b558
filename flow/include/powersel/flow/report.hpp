// A small document model rendered to Markdown and to self-contained HTML, so every report
// exists in both forms from one description; its sections can be stored as JSON and read back
// (a run that skips a finished step reuses that step's section).
#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace powersel::flow {

class Report {
 public:
  explicit Report(std::string title);

  void Heading(std::string text);
  void Paragraph(std::string text);
  void Table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows);
  // Preformatted text (a configuration file).
  void Code(std::string text);
  // An image next to the report (relative path).
  void Image(std::string path, std::string caption);

  // Another report's blocks after this one's (its title is dropped).
  void Append(const Report& section);

  std::string Markdown() const;
  // One file that needs nothing beside it: every image read from `dir` (where the Markdown
  // links them) and embedded as a data URI; an image that is not there is named instead. On
  // load the page marks how many images decoded (body attribute data-images="loaded/total").
  std::string Html(const std::filesystem::path& dir) const;

  nlohmann::json ToJson() const;
  // The report ToJson gave; nullopt for anything else.
  static std::optional<Report> FromJson(const nlohmann::json& json);

 private:
  struct HeadingBlock {
    std::string text;
  };
  struct ParagraphBlock {
    std::string text;
  };
  struct TableBlock {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
  };
  struct CodeBlock {
    std::string text;
  };
  struct ImageBlock {
    std::string path;
    std::string caption;
  };
  using Block = std::variant<HeadingBlock, ParagraphBlock, TableBlock, CodeBlock, ImageBlock>;

  std::string title_;
  std::vector<Block> blocks_;
};

}  // namespace powersel::flow
