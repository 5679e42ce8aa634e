// Tests of the client card value rules: tables of accepted inputs with their
// canonical form and of refused inputs with their reason, and the search
// folding both stores rely on.
#include "rapport/domain/contact_rules.h"

#include <string>

#include <gtest/gtest.h>

#include "rapport/base/limits.h"

namespace rapport::domain {
namespace {

struct Accepted {
  std::string raw;
  std::string canonical;
};
struct Refused {
  std::string raw;
  std::string reason;
};

// ----- e-mail

TEST(NormalizeEmailTest, AcceptsAndCanonicalises) {
  const Accepted cases[] = {
      {"ivan@mail.ru", "ivan@mail.ru"},
      {"Ivan@Mail.RU", "ivan@mail.ru"},
      {"  ivan.petrov+news@mail.ru \t", "ivan.petrov+news@mail.ru"},  // plus tag kept
      {"a@b.co", "a@b.co"},
      {"o'brien@example.ie", "o'brien@example.ie"},
      {"user@пример.рф", "user@пример.рф"},    // IDN left as is, no punycode
      {"User@ПРИМЕР.РФ", "user@пример.рф"},    // but matched case-insensitively
      {"\xC2\xA0x@y.org\xC2\xA0", "x@y.org"},  // no-break spaces around a cell
      {"first.last@sub.domain.example.com", "first.last@sub.domain.example.com"},
  };
  for (const Accepted& c : cases) {
    const Checked<std::string> result = NormalizeEmail(c.raw);
    ASSERT_TRUE(result.ok()) << c.raw << ": " << result.error->reason;
    EXPECT_EQ(*result.value, c.canonical) << c.raw;
    EXPECT_FALSE(result.error.has_value());
  }
}

TEST(NormalizeEmailTest, RefusesWithReason) {
  const Refused cases[] = {
      {"", "e-mail is empty"},
      {"   ", "e-mail is empty"},
      {"ivan.mail.ru", "e-mail has no '@'"},
      {"ivan@@mail.ru", "e-mail has more than one '@'"},
      {"a@b.ru@c.ru", "e-mail has more than one '@'"},
      {"@mail.ru", "e-mail has nothing before '@'"},
      {"ivan@", "e-mail has no domain"},
      {"ivan@localhost", "e-mail domain has no dot"},
      {"ivan@mail.ru.", "e-mail domain ends with a dot"},
      {"ivan@.mail.ru", "e-mail domain has an empty part between dots"},
      {"ivan@mail..ru", "e-mail domain has an empty part between dots"},
      {"ivan petrov@mail.ru", "e-mail has a space"},
      {"ivan@mail.ru, petr@mail.ru", "e-mail has a character not allowed: ','"},
      {"ivan@mail.ru;", "e-mail has a character not allowed: ';'"},
      {"<ivan@mail.ru>", "e-mail has a character not allowed: '<'"},
      {"iv\tan@mail.ru", "e-mail has a line break or control character"},
      {"iv\xFF"
       "an@mail.ru",
       "e-mail is not valid UTF-8"},
  };
  for (const Refused& c : cases) {
    const Checked<std::string> result = NormalizeEmail(c.raw);
    ASSERT_FALSE(result.ok()) << c.raw;
    ASSERT_TRUE(result.error.has_value());
    EXPECT_EQ(result.error->reason, c.reason) << c.raw;
  }
}

TEST(NormalizeEmailTest, LengthLimitAtItsEdge) {
  const std::string domain = "@example.com";
  const std::string longest = std::string(limits::kEmailBytesMax - domain.size(), 'a') + domain;
  EXPECT_TRUE(NormalizeEmail(longest).ok());
  const Checked<std::string> too_long = NormalizeEmail("a" + longest);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error->reason, "e-mail is longer than 254 bytes");
}

// ----- phone

struct PhoneAccepted {
  std::string raw;
  std::string calling_code;
  std::string e164;
};
struct PhoneRefused {
  std::string raw;
  std::string calling_code;
  std::string reason;
};

TEST(NormalizePhoneTest, AcceptsAndCanonicalises) {
  const PhoneAccepted cases[] = {
      {"+7 (916) 123-45-67", "", "+79161234567"},
      {"+7 (916) 123-45-67", "44", "+79161234567"},  // international ignores the default
      {"8 916 123 45 67", "7", "+79161234567"},      // Russian trunk prefix 8
      {"7 916 123 45 67", "7", "+79161234567"},      // calling code written without '+'
      {"916.123.45.67", "7", "+79161234567"},
      {"00 44 20 7946 0958", "", "+442079460958"},
      {"0044 20 7946 0958", "7", "+442079460958"},
      // A national number with a leading trunk 0 drops the 0 when a calling
      // code is given ...
      {"07946 0958", "44", "+4479460958"},
      {"020 7946 0958", "44", "+442079460958"},
      // ... except in Italy and San Marino, where the 0 is part of the number.
      {"06 1234 5678", "39", "+390612345678"},
      {"+1 (212) 555-0100", "", "+12125550100"},
      {"  +49 30 123456  ", "", "+4930123456"},
  };
  for (const PhoneAccepted& c : cases) {
    const Checked<std::string> result = NormalizePhone(c.raw, c.calling_code);
    ASSERT_TRUE(result.ok()) << c.raw << ": " << result.error->reason;
    EXPECT_EQ(*result.value, c.e164) << c.raw;
  }
}

TEST(NormalizePhoneTest, RefusesWithReason) {
  const PhoneRefused cases[] = {
      {"", "7", "phone is empty"},
      {"-- ()", "7", "phone has no digits"},
      {"12345", "", "phone has no country code (start it with '+' or '00')"},
      {"12345", "7", "phone has 6 digits; E.164 needs 8 to 15"},
      {"+7 123", "", "phone has 4 digits; E.164 needs 8 to 15"},
      {"+1234567", "", "phone has 7 digits; E.164 needs 8 to 15"},
      {"+1234567890123456", "", "phone has more than 15 digits; E.164 needs 8 to 15"},
      {"+7 916 123 45 67 ext 5", "", "phone has a character not allowed: 'e'"},
      {"+7 916 123/45/67", "", "phone has a character not allowed: '/'"},
      {"7+916", "", "phone has '+' that is not at the start"},
      {"+0 916 123 45 67", "", "phone country code cannot start with 0"},
      {"000 916 123 45 67", "", "phone country code cannot start with 0"},
      {"916 123 45 67", "x7", "default calling code 'x7' is not 1 to 3 digits"},
      {"916 123 45 67", "1234", "default calling code '1234' is not 1 to 3 digits"},
  };
  for (const PhoneRefused& c : cases) {
    const Checked<std::string> result = NormalizePhone(c.raw, c.calling_code);
    ASSERT_FALSE(result.ok()) << c.raw;
    EXPECT_EQ(result.error->reason, c.reason) << c.raw;
  }
}

TEST(NormalizePhoneTest, DigitLimitsAtTheirEdges) {
  EXPECT_EQ(NormalizePhone("+12345678", "").value, "+12345678");                // 8 digits
  EXPECT_EQ(NormalizePhone("+123456789012345", "").value, "+123456789012345");  // 15 digits
  EXPECT_FALSE(NormalizePhone("+1234567", "").ok());
  EXPECT_FALSE(NormalizePhone("+1234567890123456", "").ok());
}

// ----- date

TEST(NormalizeDateTest, AcceptsAndCanonicalises) {
  const Accepted cases[] = {
      {"1999-12-31", "1999-12-31"},   {"31.12.1999", "1999-12-31"}, {"1.2.1990", "1990-02-01"},
      {"2024-02-29", "2024-02-29"},   {"29.02.2024", "2024-02-29"}, {"2000-02-29", "2000-02-29"},
      {" 1900-01-01 ", "1900-01-01"}, {"2100-12-31", "2100-12-31"},
  };
  for (const Accepted& c : cases) {
    const Checked<std::string> result = NormalizeDate(c.raw);
    ASSERT_TRUE(result.ok()) << c.raw << ": " << result.error->reason;
    EXPECT_EQ(*result.value, c.canonical) << c.raw;
  }
}

TEST(NormalizeDateTest, RefusesWithReason) {
  const Refused cases[] = {
      {"", "date is empty"},
      {"2023-02-29", "no such date: 2023-02-29"},
      {"29.02.2023", "no such date: 2023-02-29"},
      {"1900-02-29", "no such date: 1900-02-29"},  // divisible by 100, not by 400
      {"2024-04-31", "no such date: 2024-04-31"},
      {"2024-13-01", "no such date: 2024-13-01"},
      {"2024-00-10", "no such date: 2024-00-10"},
      {"00.01.2024", "no such date: 2024-01-00"},
      {"1899-12-31", "year 1899 is outside 1900..2100"},
      {"01.01.2101", "year 2101 is outside 1900..2100"},
      {"2024/01/01", "date '2024/01/01' is not YYYY-MM-DD or DD.MM.YYYY"},
      {"12/31/1999", "date '12/31/1999' is not YYYY-MM-DD or DD.MM.YYYY"},
      {"31.12.99", "date '31.12.99' is not YYYY-MM-DD or DD.MM.YYYY"},
      {"2024-1-01", "date '2024-1-01' is not YYYY-MM-DD or DD.MM.YYYY"},
      {"yesterday", "date 'yesterday' is not YYYY-MM-DD or DD.MM.YYYY"},
  };
  for (const Refused& c : cases) {
    const Checked<std::string> result = NormalizeDate(c.raw);
    ASSERT_FALSE(result.ok()) << c.raw;
    EXPECT_EQ(result.error->reason, c.reason) << c.raw;
  }
}

// ----- name

TEST(NormalizeNameTest, TrimsAndChecks) {
  EXPECT_EQ(NormalizeName("  Ёлкин ").value, "Ёлкин");
  EXPECT_EQ(NormalizeName("").value, "");
  EXPECT_EQ(NormalizeName("   ").value, "");
  EXPECT_EQ(NormalizeName("Anna Maria").value, "Anna Maria");
  EXPECT_EQ(NormalizeName("Anna\nMaria").error->reason, "name has a line break or control character");
  EXPECT_EQ(NormalizeName("Anna\xC3").error->reason, "name is not valid UTF-8");
  EXPECT_TRUE(NormalizeName(std::string(limits::kNameBytesMax, 'a')).ok());
  EXPECT_EQ(NormalizeName(std::string(limits::kNameBytesMax + 1, 'a')).error->reason, "name is longer than 200 bytes");
}

// ----- search folding

TEST(FoldForSearchTest, Table) {
  const Accepted cases[] = {
      {"Ёлкин", "елкин"},
      {"ЁЛКИН", "елкин"},
      {"ёлка", "елка"},
      {"Йошкар-Ола", "йошкар ола"},  // й stays й
      {"Café Crème", "cafe creme"},
      {"O'Brien-Smith", "o brien smith"},
      {"O’Brien", "o brien"},  // typographic apostrophe
      {"Άλφα", "αλφα"},
      {"ΟΔΥΣΣΕΥΣ", "οδυσσευσ"},  // final sigma folds as sigma
      {"Οδυσσεύς", "οδυσσευσ"},
      {"Ἀθῆναι", "Ἀθῆναι"},  // extended Greek (polytonic) passes through
      {"Straße", "strasse"},
      {"Ærø Łódź Œuvre", "aero lodz oeuvre"},
      {"Şţ Ș Ț", "st s t"},
      {"Ivan  \t PETROV ", "ivan petrov"},
      {"  ,;Hello!!  ", "hello"},
      {"ivan.petrov@mail.ru", "ivan petrov mail ru"},
      {"+7 (916) 123-45-67", "7 916 123 45 67"},
      {"Ѐ Ѝ Ї Ў Ђ", "е и ї ў ђ"},
      {"Cafe\xCC\x81", "cafe"},        // decomposed é: the combining mark vanishes
      {"東京 タワー", "東京 タワー"},  // other scripts pass through
      {"ＡＢＣ１２３", "abc123"},      // fullwidth forms
      {"a😀b", "a b"},
      {"a\xFF"
       "b",
       "a b"},               // invalid byte becomes a space
      {"ab\xE2\x82", "ab"},  // truncated sequence at the end
      {"«Ромашка»", "ромашка"},
      {"", ""},
      {"---", ""},
  };
  for (const Accepted& c : cases) EXPECT_EQ(FoldForSearch(c.raw), c.canonical) << c.raw;
}

TEST(FoldForSearchTest, AllCyrillicCapitalsFoldToLower) {
  const std::string upper = "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ";
  const std::string lower = "абвгдежзийклмнопрстуфхцчшщъыьэюя";
  EXPECT_EQ(FoldForSearch(upper), lower);
  EXPECT_EQ(FoldForSearch(lower), lower);
}

TEST(FoldForSearchTest, NeverLongerThanInput) {
  // Every two-byte code point folds to at most two bytes, so the result is sized once.
  for (char32_t code_point = 0x80; code_point < 0x800; ++code_point) {
    std::string text;
    text += static_cast<char>(0xC0 | (code_point >> 6));
    text += static_cast<char>(0x80 | (code_point & 0x3F));
    EXPECT_LE(FoldForSearch(text).size(), text.size()) << static_cast<unsigned>(code_point);
  }
}

TEST(SearchTermsTest, SplitsFoldedQueryAndLimitsTerms) {
  EXPECT_EQ(SearchTerms("Ёлкин  Café"), (std::vector<std::string>{"елкин", "cafe"}));
  EXPECT_EQ(SearchTerms("ivan@mail"), (std::vector<std::string>{"ivan", "mail"}));
  EXPECT_TRUE(SearchTerms("  ,,, ").empty());
  const std::vector<std::string> terms = SearchTerms("a b c d e f g h i j");
  ASSERT_EQ(terms.size(), limits::kSearchTermsMax);
  EXPECT_EQ(terms.front(), "a");
  EXPECT_EQ(terms.back(), "h");
  EXPECT_EQ(SearchTerms("a b c d e f g h").size(), 8u);
}

TEST(ContactSearchDocumentTest, HoldsNamesEmailsPhonesCompanies) {
  SearchDocumentParts parts;
  parts.first_name = "Пётр";
  parts.last_name = "Ёлкин";
  parts.emails = {"petr.elkin@mail.ru", "pe@example.com"};
  parts.phones = {"+79161234567", "+442079460958", "+3531234567"};
  parts.company_names = {"Café Crème Ltd"};
  parts.external_id = "HS-0042";
  EXPECT_EQ(ContactSearchDocument(parts),
            "петр елкин petr elkin mail ru petrelkin pe example com 79161234567 9161234567 442079460958 "
            "2079460958 3531234567 1234567 cafe creme ltd hs 0042");
}

TEST(ContactSearchDocumentTest, CutAtASpaceWithinTheLimit) {
  SearchDocumentParts parts;
  std::vector<std::string> companies(600, "company");  // 600 * 8 bytes > 4 KiB
  for (const std::string& company : companies) parts.company_names.emplace_back(company);
  parts.first_name = "Ivan";
  const std::string document = ContactSearchDocument(parts);
  EXPECT_LE(document.size(), limits::kSearchTextBytesMax);
  EXPECT_GT(document.size(), limits::kSearchTextBytesMax - 8);
  EXPECT_TRUE(document.starts_with("ivan company"));
  EXPECT_TRUE(document.ends_with(" company"));
}

TEST(SortNameTest, LastThenFirstFolded) {
  EXPECT_EQ(SortName("Пётр", "Ёлкин"), "елкин петр");
  EXPECT_EQ(SortName("Пётр", "Елкин"), SortName("Петр", "Ёлкин"));
  EXPECT_EQ(SortName("", "Crème"), "creme");
  EXPECT_EQ(SortName("Anna", ""), "anna");
  EXPECT_EQ(SortName("", ""), "");
}

// ----- custom fields

TEST(NormalizeCustomValueTest, Text) {
  const CustomFieldRule rule{.type = CustomFieldType::kText, .choices = {}, .required = false};
  EXPECT_EQ(NormalizeCustomValue(rule, "  hello world ").value, "hello world");
  EXPECT_EQ(NormalizeCustomValue(rule, "").value, "");
  EXPECT_EQ(NormalizeCustomValue(rule, "two\nlines").error->reason, "text has a line break or control character");
  EXPECT_TRUE(NormalizeCustomValue(rule, std::string(limits::kFieldBytesMax, 'x')).ok());
  EXPECT_EQ(NormalizeCustomValue(rule, std::string(limits::kFieldBytesMax + 1, 'x')).error->reason,
            "text is longer than 1000 bytes");
}

TEST(NormalizeCustomValueTest, Number) {
  const CustomFieldRule rule{.type = CustomFieldType::kNumber, .choices = {}, .required = false};
  const Accepted accepted[] = {
      {"12.5", "12.5"},
      {"-3", "-3"},
      {"+7", "7"},
      {"007", "7"},
      {"12.50", "12.5"},
      {"3.000", "3"},
      {"-0", "0"},
      {"-0.0", "0"},
      {".5", "0.5"},
      {"5.", "5"},
      {"0", "0"},
      {"0.00012", "0.00012"},
      {"123456789012345", "123456789012345"},
      {"0.000000000000000000123456789012345", "0.000000000000000000123456789012345"},
  };
  for (const Accepted& c : accepted) {
    const Checked<std::string> result = NormalizeCustomValue(rule, c.raw);
    ASSERT_TRUE(result.ok()) << c.raw << ": " << result.error->reason;
    EXPECT_EQ(*result.value, c.canonical) << c.raw;
  }
  const Refused refused[] = {
      {"1234567890123456", "number '1234567890123456' has more than 15 significant digits"},
      {"1.234567890123456", "number '1.234567890123456' has more than 15 significant digits"},
      {"1e3", "not a number: '1e3'"},
      {"12,5", "number '12,5' has a ','; write a plain number with '.' for decimals"},
      {"1.2.3", "not a number: '1.2.3'"},
      {"-", "not a number: '-'"},
      {".", "not a number: '.'"},
      {"--1", "not a number: '--1'"},
      {"ten", "not a number: 'ten'"},
      {"1 000", "not a number: '1 000'"},
  };
  for (const Refused& c : refused) {
    const Checked<std::string> result = NormalizeCustomValue(rule, c.raw);
    ASSERT_FALSE(result.ok()) << c.raw;
    EXPECT_EQ(result.error->reason, c.reason) << c.raw;
  }
}

TEST(NormalizeCustomValueTest, Date) {
  const CustomFieldRule rule{.type = CustomFieldType::kDate, .choices = {}, .required = false};
  EXPECT_EQ(NormalizeCustomValue(rule, "31.12.1999").value, "1999-12-31");
  EXPECT_EQ(NormalizeCustomValue(rule, "2023-02-29").error->reason, "no such date: 2023-02-29");
}

TEST(NormalizeCustomValueTest, Choice) {
  const CustomFieldRule rule{.type = CustomFieldType::kChoice, .choices = {"gold", "silver"}, .required = false};
  EXPECT_EQ(NormalizeCustomValue(rule, " gold ").value, "gold");
  EXPECT_EQ(NormalizeCustomValue(rule, "Gold").error->reason, "not one of: gold, silver");
  EXPECT_EQ(NormalizeCustomValue(rule, "bronze").error->reason, "not one of: gold, silver");
  CustomFieldRule many{.type = CustomFieldType::kChoice, .choices = {}, .required = false};
  for (int index = 0; index < 12; ++index) many.choices.push_back("c" + std::to_string(index));
  EXPECT_EQ(NormalizeCustomValue(many, "x").error->reason, "not one of: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, ...");
  EXPECT_EQ(NormalizeCustomValue(many, "c11").value, "c11");
}

TEST(NormalizeCustomValueTest, RequiredRefusesEmptyOfEveryType) {
  for (CustomFieldType type :
       {CustomFieldType::kText, CustomFieldType::kNumber, CustomFieldType::kDate, CustomFieldType::kChoice}) {
    const CustomFieldRule optional{.type = type, .choices = {"a"}, .required = false};
    const CustomFieldRule required{.type = type, .choices = {"a"}, .required = true};
    EXPECT_EQ(NormalizeCustomValue(optional, "  ").value, "") << CustomFieldTypeName(type);
    EXPECT_EQ(NormalizeCustomValue(required, "  ").error->reason, "a value is required") << CustomFieldTypeName(type);
  }
}

// ----- keys, time zones, locales

TEST(ShapeChecksTest, CustomFieldKey) {
  EXPECT_TRUE(IsValidCustomFieldKey("loyalty_tier"));
  EXPECT_TRUE(IsValidCustomFieldKey("a"));
  EXPECT_TRUE(IsValidCustomFieldKey("shoe_size_2"));
  EXPECT_TRUE(IsValidCustomFieldKey(std::string(64, 'a')));
  EXPECT_FALSE(IsValidCustomFieldKey(std::string(65, 'a')));
  EXPECT_FALSE(IsValidCustomFieldKey(""));
  EXPECT_FALSE(IsValidCustomFieldKey("2nd"));
  EXPECT_FALSE(IsValidCustomFieldKey("_x"));
  EXPECT_FALSE(IsValidCustomFieldKey("Tier"));
  EXPECT_FALSE(IsValidCustomFieldKey("tier-1"));
  EXPECT_FALSE(IsValidCustomFieldKey("tier 1"));
}

TEST(ShapeChecksTest, TimeZoneName) {
  EXPECT_TRUE(LooksLikeTimeZoneName("Europe/Moscow"));
  EXPECT_TRUE(LooksLikeTimeZoneName("UTC"));
  EXPECT_TRUE(LooksLikeTimeZoneName("America/Argentina/Buenos_Aires"));
  EXPECT_TRUE(LooksLikeTimeZoneName("Etc/GMT+3"));
  EXPECT_TRUE(LooksLikeTimeZoneName("America/Port-au-Prince"));
  EXPECT_TRUE(LooksLikeTimeZoneName(std::string(64, 'A')));
  EXPECT_FALSE(LooksLikeTimeZoneName(std::string(65, 'A')));
  EXPECT_FALSE(LooksLikeTimeZoneName(""));
  EXPECT_FALSE(LooksLikeTimeZoneName("../etc/passwd"));
  EXPECT_FALSE(LooksLikeTimeZoneName("/Europe"));
  EXPECT_FALSE(LooksLikeTimeZoneName("Europe//Moscow"));
  EXPECT_FALSE(LooksLikeTimeZoneName("Europe/Moscow "));
}

TEST(ShapeChecksTest, Locale) {
  EXPECT_TRUE(IsSupportedLocale("en"));
  EXPECT_TRUE(IsSupportedLocale("ru"));
  EXPECT_FALSE(IsSupportedLocale("EN"));
  EXPECT_FALSE(IsSupportedLocale("de"));
  EXPECT_FALSE(IsSupportedLocale("en-US"));
  EXPECT_FALSE(IsSupportedLocale(""));
}

}  // namespace
}  // namespace rapport::domain
