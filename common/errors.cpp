#include "powersel/common/errors.hpp"

namespace powersel {

namespace {

std::string FormatInputError(const std::string& file, const std::string& field,
                             const std::string& problem) {
  std::string message = file.empty() ? std::string("<arguments>") : file;
  if (!field.empty()) {
    message += ": " + field;
  }
  return message + ": " + problem;
}

}  // namespace

InputError::InputError(std::string file, std::string field, const std::string& problem)
    : std::runtime_error(FormatInputError(file, field, problem)),
      file_(std::move(file)),
      field_(std::move(field)) {}

}  // namespace powersel
