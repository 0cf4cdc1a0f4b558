// Error types shared by every stage: bad input versus a failed check.
#pragma once

#include <stdexcept>
#include <string>

namespace powersel {

// Bad input from the user: a file, the field inside it, and what was expected. The CLI prints
// it as one line and exits with status 2.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string field, const std::string& problem);

  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }

 private:
  std::string file_;
  std::string field_;
};

// A verification that ran and failed (a mismatch, a broken invariant): exit status 1.
class CheckFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace powersel
