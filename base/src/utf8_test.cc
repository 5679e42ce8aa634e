#include "rapport/base/utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace rapport {
namespace {

TEST(Utf8Test, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("Ёлка"), 4u);              // 2-byte Cyrillic
  EXPECT_EQ(CountCodePoints("€"), 1u);                 // 3 bytes
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98\x80"), 1u);  // U+1F600, 4 bytes
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(CountCodePoints("\x80").has_value());              // stray continuation
  EXPECT_FALSE(CountCodePoints("\xC3").has_value());              // truncated
  EXPECT_FALSE(CountCodePoints("\xC0\xAF").has_value());          // overlong '/'
  EXPECT_FALSE(CountCodePoints("\xED\xA0\x80").has_value());      // UTF-16 surrogate
  EXPECT_FALSE(CountCodePoints("\xF4\x90\x80\x80").has_value());  // above U+10FFFF
  EXPECT_FALSE(CountCodePoints("\xFF").has_value());
}

TEST(Utf8Test, SingleLineTextRefusesControlCharacters) {
  EXPECT_TRUE(IsSingleLineText("Анна Иванова"));
  EXPECT_TRUE(IsSingleLineText("O'Brien & Sons — Café"));
  EXPECT_TRUE(IsSingleLineText(""));
  EXPECT_FALSE(IsSingleLineText("two\nlines"));
  EXPECT_FALSE(IsSingleLineText("tab\there"));
  EXPECT_FALSE(IsSingleLineText(std::string("nul\0byte", 8)));
  EXPECT_FALSE(IsSingleLineText("del\x7F"));
  EXPECT_FALSE(IsSingleLineText("c1\xC2\x85"));  // U+0085 NEXT LINE
  EXPECT_FALSE(IsSingleLineText("bad\xC3"));
}

}  // namespace
}  // namespace rapport
