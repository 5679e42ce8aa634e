// Duplicate detection: whether two client cards probably describe the same
// person, and how sure we are. Rules, strongest first:
//   * same e-mail (any of either contact's e-mails)        → 100
//   * same phone (E.164, any of either contact's phones)    → 90
//   * similar name (Jaro–Winkler on SortName ≥ 0.92) and a
//     shared company                                         → 70..85 by similarity
//   * similar name alone, same birthday                      → 65
// The score of a pair is the highest rule that fires; every rule that fired
// is listed so a person reviewing the pair sees why.
//
// Pure: no I/O. Thread safety: free functions over values; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::domain {

enum class DuplicateRule : std::uint8_t { kSameEmail, kSamePhone, kSimilarNameSameCompany, kSimilarNameSameBirthday };
std::string_view DuplicateRuleName(DuplicateRule rule);  // "same_email", "same_phone", ...

// What the rules look at, already normalised (e-mails lower-cased, phones
// E.164, sort_name from SortName).
struct DuplicateView {
  std::vector<std::string> emails;
  std::vector<std::string> phones;
  std::string sort_name;
  std::optional<std::string> birthday;
  std::vector<std::int64_t> company_ids;
};

struct DuplicateScore {
  int score = 0;  // 0 when no rule fires, else 60..100
  std::vector<DuplicateRule> rules;
};

DuplicateScore ScoreDuplicate(const DuplicateView& a, const DuplicateView& b);

// Jaro–Winkler similarity of two UTF-8 strings, by code point, in [0, 1].
double JaroWinkler(std::string_view a, std::string_view b);

}  // namespace rapport::domain
