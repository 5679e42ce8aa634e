#include "rapport/base/money.h"

#include <algorithm>
#include <cstdlib>

namespace rapport {
namespace {

// Active ISO 4217 alphabetic codes (2024 list), sorted for binary search.
constexpr std::string_view kCodes[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
    "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
    "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD",
    "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP",
    "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
    "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF",
    "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
};

constexpr std::string_view kZeroDigitCodes[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                                "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::string_view kThreeDigitCodes[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
constexpr std::string_view kFourDigitCodes[] = {"CLF", "UYW"};

template <std::size_t N>
bool Contains(const std::string_view (&codes)[N], std::string_view code) {
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

}  // namespace

Result<Currency> Currency::FromCode(std::string_view code) {
  if (code.size() != 3 || !std::binary_search(std::begin(kCodes), std::end(kCodes), code)) {
    return InvalidArgument("unknown currency '" + std::string(code) + "' (expected an ISO 4217 code such as EUR)");
  }
  int digits = 2;
  if (Contains(kZeroDigitCodes, code)) digits = 0;
  if (Contains(kThreeDigitCodes, code)) digits = 3;
  if (Contains(kFourDigitCodes, code)) digits = 4;
  return Currency({code[0], code[1], code[2]}, digits);
}

Money Money::operator+(const Money& other) const {
  RAPPORT_ASSERT(currency_ == other.currency_);
  std::int64_t sum = 0;
  RAPPORT_ASSERT(!__builtin_add_overflow(minor_units_, other.minor_units_, &sum));
  return {sum, currency_};
}

Money Money::operator-(const Money& other) const {
  RAPPORT_ASSERT(currency_ == other.currency_);
  std::int64_t difference = 0;
  RAPPORT_ASSERT(!__builtin_sub_overflow(minor_units_, other.minor_units_, &difference));
  return {difference, currency_};
}

std::string Money::ToString() const {
  const bool negative = minor_units_ < 0;
  // Work on the unsigned magnitude so INT64_MIN is printed correctly.
  std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(minor_units_) : static_cast<std::uint64_t>(minor_units_);
  std::uint64_t scale = 1;
  for (int i = 0; i < currency_.minor_digits(); ++i) scale *= 10;
  std::string text = negative ? "-" : "";
  text += std::to_string(magnitude / scale);
  if (currency_.minor_digits() > 0) {
    std::string fraction = std::to_string(magnitude % scale);
    text += '.';
    text.append(static_cast<std::size_t>(currency_.minor_digits()) - fraction.size(), '0');
    text += fraction;
  }
  text += ' ';
  text += currency_.code();
  return text;
}

}  // namespace rapport
