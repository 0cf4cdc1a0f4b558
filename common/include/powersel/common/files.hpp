// Atomic file output: a reader never sees a half-written result.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace powersel {

// Writes `content` to a temporary file beside `path`, then renames it over `path`.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

// Pretty-printed JSON, written atomically.
void WriteJsonAtomically(const std::filesystem::path& path, const nlohmann::json& document);

// Parses a JSON file; a missing file ("cannot open <what>") or bad or truncated JSON is an
// InputError naming the file.
nlohmann::json ReadJsonFile(const std::filesystem::path& path, std::string_view what);

// Creates `dir` (and parents) or throws InputError naming `option` if it is not usable.
// The whole file as text; InputError (file, `what`) if it cannot be read.
std::string ReadFileText(const std::filesystem::path& path, std::string_view what);

// FNV-1a, 64 bits, continuing from `hash`: a cache key for file contents, not a defence
// against anyone.
std::uint64_t Fnv1a(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL);

void EnsureOutputDirectory(const std::filesystem::path& dir, std::string_view option);

}  // namespace powersel
