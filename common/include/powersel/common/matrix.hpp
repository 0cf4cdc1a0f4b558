// A dense row-major matrix: the currency between the stages (weight tiles, activation
// streams, partial sums).
#pragma once

#include <cassert>
#include <cstddef>
#include <span>
#include <vector>

namespace powersel {

template <typename T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(int rows, int cols, T fill = T{})
      : rows_(rows), cols_(cols), values_(static_cast<std::size_t>(rows) * cols, fill) {}

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  bool empty() const { return values_.empty(); }

  T& operator()(int row, int col) { return values_[Index(row, col)]; }
  const T& operator()(int row, int col) const { return values_[Index(row, col)]; }

  std::span<T> Row(int row) { return {values_.data() + Index(row, 0), std::size_t(cols_)}; }
  std::span<const T> Row(int row) const {
    return {values_.data() + Index(row, 0), std::size_t(cols_)};
  }

  std::vector<T>& values() { return values_; }
  const std::vector<T>& values() const { return values_; }

  friend bool operator==(const Matrix&, const Matrix&) = default;

 private:
  std::size_t Index(int row, int col) const {
    assert(row >= 0 && row < rows_ && col >= 0 && col < cols_);
    return static_cast<std::size_t>(row) * cols_ + col;
  }

  int rows_ = 0;
  int cols_ = 0;
  std::vector<T> values_;
};

}  // namespace powersel
