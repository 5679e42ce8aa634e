// The rules for the values on a client card: what a valid e-mail, phone,
// date, name and custom field value is, and their one canonical form, so that
// "Ivan@Mail.RU" and "ivan@mail.ru", or "8 (916) 123-45-67" and "+79161234567",
// are recognised as the same and stored once. Also the search folding shared
// by both stores, so a query matches the same way on SQLite and PostgreSQL.
//
// Pure: no I/O. Thread safety: free functions over values; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/domain/relationship.h"

namespace rapport::domain {

// Why a value was refused, in words a person fixing an import file understands
// ("e-mail has no domain", "phone has 4 digits; E.164 needs 8 to 15").
struct RuleError {
  std::string reason;
};

template <typename T>
struct Checked {
  std::optional<T> value;          // set when valid
  std::optional<RuleError> error;  // set when not
  bool ok() const { return value.has_value(); }
};

// An e-mail address: trimmed, lower-cased, one '@', a non-empty local part,
// a domain with at least one dot and no empty label, no spaces or control
// characters, at most limits::kEmailBytesMax bytes.
Checked<std::string> NormalizeEmail(std::string_view raw);

// A phone number in E.164 ("+79161234567"). Accepts spaces, dots, dashes and
// parentheses; "+" or "00" starts an international number; a national number
// gets `default_calling_code` ("7", "44") in front, except that the Russian
// trunk prefix is understood ("8 916 …" with calling code 7 → "+7916…").
// 8 to 15 digits in all. Without a default calling code a national number is
// an error.
Checked<std::string> NormalizePhone(std::string_view raw, std::string_view default_calling_code);

// A calendar date as "YYYY-MM-DD". Accepts ISO "YYYY-MM-DD" and the
// day-first "DD.MM.YYYY"; checks the day exists (Feb 29 only in leap years)
// and the year is 1900..2100.
Checked<std::string> NormalizeDate(std::string_view raw);

// A person's or company's name part: trimmed, single line, valid UTF-8,
// at most limits::kNameBytesMax bytes. Empty is allowed (returns "").
Checked<std::string> NormalizeName(std::string_view raw);

// Lower-case, drop diacritics (é→e, ё→е; й stays й), turn every character
// that is not a letter or digit into a space, collapse spaces, trim. Covers
// Latin (incl. Latin-1 Supplement and Extended-A), Cyrillic and Greek; other
// letters pass through unchanged. Invalid UTF-8 bytes become spaces.
std::string FoldForSearch(std::string_view text);

// The terms of a query: FoldForSearch, split on spaces, at most
// limits::kSearchTermsMax terms (the rest are dropped), each term a prefix.
std::vector<std::string> SearchTerms(std::string_view query);

// The search document of a contact: folded names, e-mails (whole and split
// at '@' and '.'), phones (E.164 digits and the national number without the
// calling code), company names; at most limits::kSearchTextBytesMax bytes
// (cut at a space).
struct SearchDocumentParts {
  std::string_view first_name;
  std::string_view last_name;
  std::vector<std::string_view> emails;
  std::vector<std::string_view> phones;  // E.164
  std::vector<std::string_view> company_names;
  std::string_view external_id;
};
std::string ContactSearchDocument(const SearchDocumentParts& parts);

// The key lists sort by: folded "last first", so that "Ёлкин" sorts among
// "Елкин" and accents do not split names.
std::string SortName(std::string_view first_name, std::string_view last_name);

// A custom field definition as the rules need it.
struct CustomFieldRule {
  CustomFieldType type = CustomFieldType::kText;
  std::vector<std::string> choices;  // kChoice only
  bool required = false;
};
// The canonical text of a custom value: text trimmed (≤ kFieldBytesMax,
// single line); number as a decimal without exponent ("12.5", "-3"), at most
// 15 significant digits; date as NormalizeDate; choice exactly one of the
// choices. An empty raw value is "no value": ok with "" unless required.
Checked<std::string> NormalizeCustomValue(const CustomFieldRule& rule, std::string_view raw);

// A custom field key: 1..64 bytes of [a-z0-9_], starting with a letter.
bool IsValidCustomFieldKey(std::string_view key);

// An IANA time zone name shape check ("Europe/Moscow", "UTC"): letters,
// digits, '/', '_', '-', '+'; ≤ 64 bytes. Existence is checked by the app.
bool LooksLikeTimeZoneName(std::string_view name);

// A locale of the product: "en" or "ru".
bool IsSupportedLocale(std::string_view locale);

}  // namespace rapport::domain
