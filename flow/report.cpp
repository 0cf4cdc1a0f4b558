#include "powersel/flow/report.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

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

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded;
  encoded.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t group = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (left > 1) {
      group |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    }
    if (left > 2) {
      group |= static_cast<std::uint8_t>(bytes[i + 2]);
    }
    encoded += kAlphabet[(group >> 18) & 63];
    encoded += kAlphabet[(group >> 12) & 63];
    encoded += left > 1 ? kAlphabet[(group >> 6) & 63] : '=';
    encoded += left > 2 ? kAlphabet[group & 63] : '=';
  }
  return encoded;
}

// The file's bytes, or nullopt if it cannot be read.
std::optional<std::string> ReadBytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return std::nullopt;
  }
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// Marks on load how many of the page's images decoded, for a headless browser to read.
constexpr const char* kImageCheckScript =
    "<script>window.addEventListener('load',function(){var i=Array.from(document.images);"
    "document.body.setAttribute('data-images',i.filter(function(x){return x.complete&&"
    "x.naturalWidth>0;}).length+'/'+i.length);});</script>\n";

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
void Report::Code(std::string text) {
  blocks_.emplace_back(CodeBlock{std::move(text)});
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
            [&](const CodeBlock& b) { out += fmt::format("\n```\n{}\n```\n", b.text); },
            [&](const ImageBlock& b) { out += fmt::format("\n![{}]({})\n", b.caption, b.path); },
        },
        block);
  }
  return out;
}

void Report::Append(const Report& section) {
  blocks_.insert(blocks_.end(), section.blocks_.begin(), section.blocks_.end());
}

std::string Report::Html(const std::filesystem::path& dir) const {
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
            [&](const CodeBlock& b) { out += fmt::format("<pre>{}</pre>\n", EscapeHtml(b.text)); },
            [&](const ImageBlock& b) {
              const std::optional<std::string> png = ReadBytes(dir / b.path);
              if (!png) {
                out += fmt::format("<p>(plot {} not available: {})</p>\n", EscapeHtml(b.path),
                                   EscapeHtml(b.caption));
                return;
              }
              out += fmt::format(
                  "<figure><img src=\"data:image/png;base64,{}\" alt=\"{}\">"
                  "<figcaption>{}</figcaption></figure>\n",
                  Base64(*png), EscapeHtml(b.caption), EscapeHtml(b.caption));
            },
        },
        block);
  }
  return out + kImageCheckScript + "</body></html>\n";
}

nlohmann::json Report::ToJson() const {
  nlohmann::json blocks = nlohmann::json::array();
  for (const Block& block : blocks_) {
    std::visit(Overloaded{
                   [&](const HeadingBlock& b) {
                     blocks.push_back({{"heading", b.text}});
                   },
                   [&](const ParagraphBlock& b) {
                     blocks.push_back({{"paragraph", b.text}});
                   },
                   [&](const TableBlock& b) {
                     blocks.push_back({{"table", {{"header", b.header}, {"rows", b.rows}}}});
                   },
                   [&](const CodeBlock& b) {
                     blocks.push_back({{"code", b.text}});
                   },
                   [&](const ImageBlock& b) {
                     blocks.push_back({{"image", {{"path", b.path}, {"caption", b.caption}}}});
                   },
               },
               block);
  }
  return {{"title", title_}, {"blocks", blocks}};
}

std::optional<Report> Report::FromJson(const nlohmann::json& json) {
  try {
    Report report(json.at("title").get<std::string>());
    for (const nlohmann::json& block : json.at("blocks")) {
      if (!block.is_object() || block.size() != 1) {
        return std::nullopt;
      }
      if (block.contains("heading")) {
        report.Heading(block["heading"].get<std::string>());
      } else if (block.contains("paragraph")) {
        report.Paragraph(block["paragraph"].get<std::string>());
      } else if (block.contains("table")) {
        report.Table(block["table"].at("header").get<std::vector<std::string>>(),
                     block["table"].at("rows").get<std::vector<std::vector<std::string>>>());
      } else if (block.contains("code")) {
        report.Code(block["code"].get<std::string>());
      } else if (block.contains("image")) {
        report.Image(block["image"].at("path").get<std::string>(),
                     block["image"].at("caption").get<std::string>());
      } else {
        return std::nullopt;
      }
    }
    return report;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace powersel::flow
