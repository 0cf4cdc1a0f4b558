#include "powersel/flow/report.hpp"

#include <fmt/format.h>

namespace powersel::flow {

namespace {

std::string EscapeHtml(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '&':
        escaped += "&amp;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

template <class... Visitors>
struct Overloaded : Visitors... {
  using Visitors::operator()...;
};
template <class... Visitors>
Overloaded(Visitors...) -> Overloaded<Visitors...>;

}  // namespace

Report::Report(std::string title) : title_(std::move(title)) {}

void Report::Heading(std::string text) {
  blocks_.emplace_back(HeadingBlock{std::move(text)});
}
void Report::Paragraph(std::string text) {
  blocks_.emplace_back(ParagraphBlock{std::move(text)});
}
void Report::Table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
  blocks_.emplace_back(TableBlock{std::move(header), std::move(rows)});
}
void Report::Image(std::string path, std::string caption) {
  blocks_.emplace_back(ImageBlock{std::move(path), std::move(caption)});
}

std::string Report::Markdown() const {
  std::string out = fmt::format("# {}\n", title_);
  for (const Block& block : blocks_) {
    std::visit(
        Overloaded{
            [&](const HeadingBlock& b) { out += fmt::format("\n## {}\n", b.text); },
            [&](const ParagraphBlock& b) { out += fmt::format("\n{}\n", b.text); },
            [&](const TableBlock& b) {
              out += fmt::format("\n| {} |\n|", fmt::join(b.header, " | "));
              for (std::size_t i = 0; i < b.header.size(); ++i) {
                out += " --- |";
              }
              out += "\n";
              for (const auto& row : b.rows) {
                out += fmt::format("| {} |\n", fmt::join(row, " | "));
              }
            },
            [&](const ImageBlock& b) { out += fmt::format("\n![{}]({})\n", b.caption, b.path); },
        },
        block);
  }
  return out;
}

std::string Report::Html() const {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title>\n"
      "<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}"
      "table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:0.2em 0.6em;"
      "text-align:right}}</style></head><body>\n<h1>{0}</h1>\n",
      EscapeHtml(title_));
  for (const Block& block : blocks_) {
    std::visit(
        Overloaded{
            [&](const HeadingBlock& b) { out += fmt::format("<h2>{}</h2>\n", EscapeHtml(b.text)); },
            [&](const ParagraphBlock& b) { out += fmt::format("<p>{}</p>\n", EscapeHtml(b.text)); },
            [&](const TableBlock& b) {
              out += "<table><tr>";
              for (const auto& cell : b.header) {
                out += fmt::format("<th>{}</th>", EscapeHtml(cell));
              }
              out += "</tr>\n";
              for (const auto& row : b.rows) {
                out += "<tr>";
                for (const auto& cell : row) {
                  out += fmt::format("<td>{}</td>", EscapeHtml(cell));
                }
                out += "</tr>\n";
              }
              out += "</table>\n";
            },
            [&](const ImageBlock& b) {
              out += fmt::format(
                  "<figure><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption>"
                  "</figure>\n",
                  EscapeHtml(b.path), EscapeHtml(b.caption), EscapeHtml(b.caption));
            },
        },
        block);
  }
  return out + "</body></html>\n";
}

}  // namespace powersel::flow
