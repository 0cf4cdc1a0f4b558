// Helpers shared by the fuzz targets: parsers that only read files get the input through a
// scratch file, and a broken property aborts so that libFuzzer keeps the input.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace powersel::fuzz {

// A scratch directory per process (libFuzzer's -jobs/-fork workers must not share files),
// removed at exit. In memory where there is /dev/shm: a file per execution on a disk costs
// milliseconds.
class ScratchDir {
 public:
  ScratchDir() {
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm")
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    path_ = base / ("powersel_fuzz_" + std::to_string(static_cast<long>(getpid())));
    std::filesystem::create_directories(path_);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::filesystem::path ScratchFile(const std::string& name) {
  static const ScratchDir dir;
  return dir.path() / name;
}

inline std::filesystem::path WriteInput(const std::string& name, const std::uint8_t* data,
                                        std::size_t size) {
  const std::filesystem::path path = ScratchFile(name);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr || (size > 0 && std::fwrite(data, 1, size, file) != size)) {
    std::perror("fuzz: cannot write the scratch input");
    std::abort();
  }
  std::fclose(file);
  return path;
}

// The input gzip-compressed, so that a reader's gzip path sees arbitrary content and not only
// the few mutations that keep a stream's CRC right.
inline std::filesystem::path WriteGzipInput(const std::string& name, const std::uint8_t* data,
                                            std::size_t size) {
  const std::filesystem::path path = ScratchFile(name);
  gzFile file = gzopen(path.c_str(), "wb1");
  if (file == nullptr ||
      (size > 0 && gzwrite(file, data, static_cast<unsigned>(size)) != static_cast<int>(size))) {
    std::perror("fuzz: cannot write the gzip scratch input");
    std::abort();
  }
  gzclose(file);
  return path;
}

// A property every accepted input must have; breaking it is a finding like a crash.
inline void Require(bool condition, const char* property) {
  if (!condition) {
    std::fprintf(stderr, "fuzz: property broken: %s\n", property);
    std::abort();
  }
}

}  // namespace powersel::fuzz
