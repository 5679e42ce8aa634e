// Points: an integer quantity of loyalty points. Never a float.
//
// Amounts entering the system are bounded by limits::kPointsAbsMax, so sums of
// any realistic number of entries cannot overflow int64; an overflow anyway is
// a bug and asserts.
#pragma once

#include <compare>
#include <cstdint>

#include "rapport/base/assert.h"

namespace rapport {

class Points {
 public:
  constexpr Points() = default;
  constexpr explicit Points(std::int64_t count) : count_(count) {}

  constexpr std::int64_t count() const { return count_; }
  constexpr bool negative() const { return count_ < 0; }
  constexpr bool zero() const { return count_ == 0; }

  Points operator+(Points other) const {
    std::int64_t sum = 0;
    RAPPORT_ASSERT(!__builtin_add_overflow(count_, other.count_, &sum));
    return Points(sum);
  }
  Points operator-(Points other) const {
    std::int64_t difference = 0;
    RAPPORT_ASSERT(!__builtin_sub_overflow(count_, other.count_, &difference));
    return Points(difference);
  }
  Points operator-() const { return Points(0) - *this; }
  Points& operator+=(Points other) { return *this = *this + other; }
  Points& operator-=(Points other) { return *this = *this - other; }

  // NOLINTNEXTLINE(modernize-use-nullptr): a clang-tidy 14 false positive on defaulted <=>
  friend constexpr auto operator<=>(Points, Points) = default;

 private:
  std::int64_t count_ = 0;
};

}  // namespace rapport
