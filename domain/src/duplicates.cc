// Duplicate scoring (see duplicates.h). The rules are checked independently
// so every rule that fires is reported; the score is the strongest of them.
//
// Pure: no I/O; safe from any thread.
#include "rapport/domain/duplicates.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "rapport/base/assert.h"

namespace rapport::domain {
namespace {

inline constexpr double kSimilarNameMin = 0.92;  // Jaro–Winkler on sort names
inline constexpr int kSameEmailScore = 100;
inline constexpr int kSamePhoneScore = 90;
inline constexpr int kSimilarNameSameCompanyScoreMin = 70;  // at similarity kSimilarNameMin
inline constexpr int kSimilarNameSameCompanyScoreMax = 85;  // at identical names
inline constexpr int kSimilarNameSameBirthdayScore = 65;

template <typename T>
bool ShareAny(const std::vector<T>& a, const std::vector<T>& b) {
  for (const T& value : a) {
    if (std::find(b.begin(), b.end(), value) != b.end()) return true;
  }
  return false;
}

bool ShareAnyNonEmpty(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const std::string& value : a) {
    if (!value.empty() && std::find(b.begin(), b.end(), value) != b.end()) return true;
  }
  return false;
}

// Decodes UTF-8 into code points; a byte that does not start a well-formed
// sequence counts as one code point of its own (U+FFFD), so invalid input
// still compares deterministically.
std::vector<char32_t> CodePoints(std::string_view text) {
  std::vector<char32_t> points;
  points.reserve(text.size());
  std::size_t index = 0;
  while (index < text.size()) {
    const auto lead = static_cast<unsigned char>(text[index]);
    std::size_t length = 0;
    char32_t value = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
      length = 1, value = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, value = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, value = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, value = lead & 0x07, minimum = 0x10000;
    }
    bool valid = length != 0 && text.size() - index >= length;
    for (std::size_t offset = 1; valid && offset < length; ++offset) {
      const auto continuation = static_cast<unsigned char>(text[index + offset]);
      valid = (continuation & 0xC0) == 0x80;
      value = (value << 6) | (continuation & 0x3F);
    }
    valid = valid && value >= minimum && value <= 0x10FFFF && (value < 0xD800 || value > 0xDFFF);
    if (valid) {
      points.push_back(value);
      index += length;
    } else {
      points.push_back(0xFFFD);
      ++index;
    }
  }
  return points;
}

double Jaro(const std::vector<char32_t>& a, const std::vector<char32_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const std::size_t longer = std::max(a.size(), b.size());
  const std::size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
  std::vector<bool> a_matched(a.size(), false);
  std::vector<bool> b_matched(b.size(), false);
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t from = i > window ? i - window : 0;
    const std::size_t to = std::min(b.size(), i + window + 1);
    for (std::size_t j = from; j < to; ++j) {
      if (b_matched[j] || a[i] != b[j]) continue;
      a_matched[i] = b_matched[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  // Half the matched characters that appear in a different order.
  std::size_t out_of_order = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[j]) ++j;
    if (a[i] != b[j]) ++out_of_order;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double transpositions = static_cast<double>(out_of_order) / 2.0;
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) + (m - transpositions) / m) / 3.0;
}

}  // namespace

std::string_view DuplicateRuleName(DuplicateRule rule) {
  switch (rule) {
    case DuplicateRule::kSameEmail: return "same_email";
    case DuplicateRule::kSamePhone: return "same_phone";
    case DuplicateRule::kSimilarNameSameCompany: return "similar_name_same_company";
    case DuplicateRule::kSimilarNameSameBirthday: return "similar_name_same_birthday";
  }
  RAPPORT_UNREACHABLE();
}

double JaroWinkler(std::string_view a, std::string_view b) {
  constexpr std::size_t kPrefixMax = 4;
  constexpr double kPrefixScale = 0.1;
  const std::vector<char32_t> a_points = CodePoints(a);
  const std::vector<char32_t> b_points = CodePoints(b);
  const double jaro = Jaro(a_points, b_points);
  std::size_t prefix = 0;
  while (prefix < kPrefixMax && prefix < a_points.size() && prefix < b_points.size() &&
         a_points[prefix] == b_points[prefix]) {
    ++prefix;
  }
  return jaro + static_cast<double>(prefix) * kPrefixScale * (1.0 - jaro);
}

DuplicateScore ScoreDuplicate(const DuplicateView& a, const DuplicateView& b) {
  DuplicateScore result;
  auto fire = [&result](DuplicateRule rule, int score) {
    result.rules.push_back(rule);
    result.score = std::max(result.score, score);
  };
  if (ShareAnyNonEmpty(a.emails, b.emails)) fire(DuplicateRule::kSameEmail, kSameEmailScore);
  if (ShareAnyNonEmpty(a.phones, b.phones)) fire(DuplicateRule::kSamePhone, kSamePhoneScore);
  if (!a.sort_name.empty() && !b.sort_name.empty()) {
    const double similarity = JaroWinkler(a.sort_name, b.sort_name);
    if (similarity >= kSimilarNameMin) {
      if (ShareAny(a.company_ids, b.company_ids)) {
        // 70 at the threshold, rising linearly to 85 for identical names.
        const double share = (similarity - kSimilarNameMin) / (1.0 - kSimilarNameMin);
        const int score =
            kSimilarNameSameCompanyScoreMin +
            static_cast<int>(std::lround(share * (kSimilarNameSameCompanyScoreMax - kSimilarNameSameCompanyScoreMin)));
        fire(DuplicateRule::kSimilarNameSameCompany,
             std::clamp(score, kSimilarNameSameCompanyScoreMin, kSimilarNameSameCompanyScoreMax));
      }
      if (a.birthday && b.birthday && !a.birthday->empty() && *a.birthday == *b.birthday) {
        fire(DuplicateRule::kSimilarNameSameBirthday, kSimilarNameSameBirthdayScore);
      }
    }
  }
  return result;
}

}  // namespace rapport::domain
