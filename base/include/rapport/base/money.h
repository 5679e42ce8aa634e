// Money: an integer amount of minor units (cents, kopecks) and an ISO 4217
// currency. Never a float. Amounts of different currencies are never added;
// doing so is a bug and asserts.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "rapport/base/status.h"

namespace rapport {

class Currency {
 public:
  // Parses an upper-case ISO 4217 alphabetic code ("EUR", "RUB"). Unknown codes
  // are an error, so a typo never creates a currency of its own.
  static Result<Currency> FromCode(std::string_view code);

  std::string_view code() const { return {code_.data(), code_.size()}; }
  // Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD.
  int minor_digits() const { return minor_digits_; }

  friend bool operator==(const Currency&, const Currency&) = default;

 private:
  Currency(std::array<char, 3> code, int minor_digits) : code_(code), minor_digits_(minor_digits) {}
  std::array<char, 3> code_;
  int minor_digits_;
};

class Money {
 public:
  Money(std::int64_t minor_units, Currency currency) : minor_units_(minor_units), currency_(currency) {}

  std::int64_t minor_units() const { return minor_units_; }
  const Currency& currency() const { return currency_; }

  Money operator+(const Money& other) const;
  Money operator-(const Money& other) const;

  // "1234.50 EUR": plain, locale-independent; locale formatting lives in the UI.
  std::string ToString() const;

  friend bool operator==(const Money&, const Money&) = default;

 private:
  std::int64_t minor_units_;
  Currency currency_;
};

}  // namespace rapport
