// A small document model rendered to Markdown and to standalone HTML, so every report exists
// in both forms from one description.
#pragma once

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
  // An image next to the report (relative path).
  void Image(std::string path, std::string caption);

  std::string Markdown() const;
  std::string Html() const;

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
  struct ImageBlock {
    std::string path;
    std::string caption;
  };
  using Block = std::variant<HeadingBlock, ParagraphBlock, TableBlock, ImageBlock>;

  std::string title_;
  std::vector<Block> blocks_;
};

}  // namespace powersel::flow
