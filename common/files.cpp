#include "powersel/common/files.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>

#include "powersel/common/errors.hpp"

namespace powersel {

void WriteFileAtomically(const std::filesystem::path& path, std::string_view content) {
  // The pid keeps concurrent writers (parallel jobs into one run directory) apart.
  const std::filesystem::path staging =
      path.string() + ".tmp." + std::to_string(static_cast<long>(::getpid()));
  {
    std::ofstream out(staging, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw InputError(path.string(), "", "cannot open for writing");
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(staging);
      throw InputError(path.string(), "", "write failed (disk full?)");
    }
  }
  std::error_code error;
  std::filesystem::rename(staging, path, error);
  if (error) {
    std::filesystem::remove(staging);
    throw InputError(path.string(), "", "cannot rename into place: " + error.message());
  }
}

void WriteJsonAtomically(const std::filesystem::path& path, const nlohmann::json& document) {
  WriteFileAtomically(path, document.dump(2) + "\n");
}

nlohmann::json ReadJsonFile(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(path.string(), "", "cannot open " + std::string(what));
  }
  try {
    nlohmann::json document;
    in >> document;
    return document;
  } catch (const nlohmann::json::exception& error) {
    throw InputError(path.string(), "",
                     "truncated or not valid JSON (" + std::string(what) + "): " + error.what());
  }
}

std::string ReadFileText(const std::filesystem::path& path, std::string_view what) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    throw InputError(path.string(), std::string(what), "cannot read file");
  }
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

std::uint64_t Fnv1a(std::string_view text, std::uint64_t hash) {
  for (const char c : text) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return hash;
}

void EnsureOutputDirectory(const std::filesystem::path& dir, std::string_view option) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir)) {
    throw InputError(
        dir.string(), std::string(option),
        "cannot create output directory" + (error ? ": " + error.message() : std::string()));
  }
}

}  // namespace powersel
