#include "rapport/base/money.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace rapport {
namespace {

Currency Code(std::string_view code) { return Currency::FromCode(code).value(); }

TEST(CurrencyTest, KnowsMinorDigits) {
  EXPECT_EQ(Code("EUR").minor_digits(), 2);
  EXPECT_EQ(Code("RUB").minor_digits(), 2);
  EXPECT_EQ(Code("JPY").minor_digits(), 0);
  EXPECT_EQ(Code("KWD").minor_digits(), 3);
  EXPECT_EQ(Code("CLF").minor_digits(), 4);
}

TEST(CurrencyTest, RejectsUnknownAndMalformedCodes) {
  for (std::string_view code : {"eur", "EURO", "", "XXX", "AAA", "EU"}) {
    Result<Currency> currency = Currency::FromCode(code);
    EXPECT_FALSE(currency.ok()) << code;
    EXPECT_EQ(currency.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(MoneyTest, FormatsMinorUnits) {
  EXPECT_EQ(Money(123450, Code("EUR")).ToString(), "1234.50 EUR");
  EXPECT_EQ(Money(-5, Code("RUB")).ToString(), "-0.05 RUB");
  EXPECT_EQ(Money(1500, Code("JPY")).ToString(), "1500 JPY");
  EXPECT_EQ(Money(1, Code("KWD")).ToString(), "0.001 KWD");
  EXPECT_EQ(Money(std::numeric_limits<std::int64_t>::min(), Code("JPY")).ToString(), "-9223372036854775808 JPY");
}

TEST(MoneyTest, AddsSameCurrency) {
  EXPECT_EQ((Money(150, Code("EUR")) + Money(250, Code("EUR"))).minor_units(), 400);
  EXPECT_EQ((Money(150, Code("EUR")) - Money(250, Code("EUR"))).minor_units(), -100);
}

TEST(MoneyDeathTest, MixingCurrenciesIsABug) {
  EXPECT_DEATH((void)(Money(1, Code("EUR")) + Money(1, Code("USD"))), "invariant violated");
}

TEST(MoneyDeathTest, OverflowIsABug) {
  Money big(std::numeric_limits<std::int64_t>::max(), Code("EUR"));
  EXPECT_DEATH((void)(big + Money(1, Code("EUR"))), "invariant violated");
}

}  // namespace
}  // namespace rapport
