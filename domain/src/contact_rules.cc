// The rules for client card values (see contact_rules.h).
//
// FoldForSearch runs for every imported row and every search keystroke, so it
// is a single pass over the bytes with a table built at compile time for every
// code point below U+0800 (ASCII, Latin-1 Supplement, Latin Extended-A/B,
// Greek, Cyrillic); longer sequences are classified by range. It never writes
// more bytes than it reads, so the result is sized once and never grows.
//
// Pure: no I/O, no locale, no global state beyond constant tables; safe from any thread.
#include "rapport/domain/contact_rules.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "rapport/base/assert.h"
#include "rapport/base/limits.h"
#include "rapport/base/utf8.h"

namespace rapport::domain {
namespace {

// ---------------------------------------------------------------------------
// Small text helpers

constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsAsciiLetter(char c) { return IsAsciiLower(c) || IsAsciiUpper(c); }
constexpr char AsciiLower(char c) { return IsAsciiUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Trims ASCII white space and the no-break space U+00A0 that spreadsheets
// like to leave around cell values.
std::string_view Trim(std::string_view text) {
  constexpr std::string_view kNoBreakSpace = "\xC2\xA0";
  for (;;) {
    if (!text.empty() && IsAsciiSpace(text.front())) {
      text.remove_prefix(1);
    } else if (text.starts_with(kNoBreakSpace)) {
      text.remove_prefix(kNoBreakSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!text.empty() && IsAsciiSpace(text.back())) {
      text.remove_suffix(1);
    } else if (text.ends_with(kNoBreakSpace)) {
      text.remove_suffix(kNoBreakSpace.size());
    } else {
      break;
    }
  }
  return text;
}

template <typename T>
Checked<T> Refuse(std::string reason) {
  return Checked<T>{.value = std::nullopt, .error = RuleError{std::move(reason)}};
}

template <typename T>
Checked<T> Accept(T value) {
  return Checked<T>{.value = std::move(value), .error = std::nullopt};
}

// A character for a reason message: printable ASCII as itself, anything else
// by its byte value, so the message itself stays readable.
std::string Quoted(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7F) return std::string("'") + c + "'";
  constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

// Text for a reason message, cut so one bad cell cannot make a huge report.
std::string Excerpt(std::string_view text) {
  constexpr std::size_t kExcerptBytesMax = 40;
  if (text.size() <= kExcerptBytesMax) return std::string(text);
  std::size_t cut = kExcerptBytesMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep whole characters
  return std::string(text.substr(0, cut)) + "...";
}

// Why a text is not single-line UTF-8: the two cases need different fixes.
std::string SingleLineProblem(std::string_view what, std::string_view text) {
  if (!CountCodePoints(text)) return std::string(what) + " is not valid UTF-8";
  return std::string(what) + " has a line break or control character";
}

// Appends the UTF-8 encoding of a code point below U+0800.
void AppendTwoByte(std::string& out, char32_t code_point) {
  out += static_cast<char>(0xC0 | (code_point >> 6));
  out += static_cast<char>(0x80 | (code_point & 0x3F));
}

// Lower-cases an e-mail address: ASCII, and the capitals of Latin-1, Greek
// and Cyrillic that internationalised addresses use. Other characters are
// kept as written (no IDN conversion).
std::string LowerEmail(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t index = 0; index < text.size(); ++index) {
    const auto lead = static_cast<unsigned char>(text[index]);
    if ((lead & 0xE0) == 0xC0 && index + 1 < text.size()) {
      char32_t code_point = (char32_t{lead} & 0x1F) << 6 | (static_cast<unsigned char>(text[index + 1]) & 0x3F);
      if ((code_point >= 0xC0 && code_point <= 0xDE && code_point != 0xD7) ||     // Latin-1 capitals
          (code_point >= 0x391 && code_point <= 0x3AB && code_point != 0x3A2) ||  // Greek capitals
          (code_point >= 0x410 && code_point <= 0x42F)) {                         // Cyrillic А-Я
        code_point += 0x20;
      } else if (code_point >= 0x400 && code_point <= 0x40F) {  // Cyrillic Ѐ-Џ
        code_point += 0x50;
      }
      AppendTwoByte(out, code_point);
      ++index;
    } else {
      out += AsciiLower(text[index]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The fold table: what each code point below U+0800 becomes.

struct FoldEntry {
  std::uint8_t size = 0;  // bytes to write; kSeparatorSize or kDropSize for the special cases
  std::array<char, 2> bytes{};
};
inline constexpr std::uint8_t kSeparatorSize = 0;  // becomes a space (collapsed)
inline constexpr std::uint8_t kDropSize = 0xFF;    // vanishes (combining marks)
inline constexpr char32_t kFoldTableSize = 0x800;

constexpr FoldEntry Encode(char32_t code_point) {
  if (code_point < 0x80) return FoldEntry{1, {static_cast<char>(code_point), 0}};
  return FoldEntry{2, {static_cast<char>(0xC0 | (code_point >> 6)), static_cast<char>(0x80 | (code_point & 0x3F))}};
}
constexpr FoldEntry Ascii(std::string_view text) {
  return FoldEntry{static_cast<std::uint8_t>(text.size()), {text[0], text.size() > 1 ? text[1] : '\0'}};
}

// A run of code points that all fold to the same ASCII text.
struct FoldRun {
  char32_t first;
  char32_t last;
  std::string_view fold;
};

// Latin letters with diacritics to their base letters; ligatures spelled out.
// clang-format off
inline constexpr FoldRun kLatinRuns[] = {
    // Latin-1 Supplement
    {0xAA, 0xAA, "a"}, {0xBA, 0xBA, "o"}, {0xB2, 0xB2, "2"}, {0xB3, 0xB3, "3"}, {0xB9, 0xB9, "1"}, {0xC0, 0xC5, "a"},
    {0xC6, 0xC6, "ae"}, {0xC7, 0xC7, "c"}, {0xC8, 0xCB, "e"}, {0xCC, 0xCF, "i"}, {0xD0, 0xD0, "d"},
    {0xD1, 0xD1, "n"}, {0xD2, 0xD6, "o"}, {0xD8, 0xD8, "o"}, {0xD9, 0xDC, "u"}, {0xDD, 0xDD, "y"},
    {0xDF, 0xDF, "ss"}, {0xE0, 0xE5, "a"}, {0xE6, 0xE6, "ae"}, {0xE7, 0xE7, "c"}, {0xE8, 0xEB, "e"},
    {0xEC, 0xEF, "i"}, {0xF0, 0xF0, "d"}, {0xF1, 0xF1, "n"}, {0xF2, 0xF6, "o"}, {0xF8, 0xF8, "o"}, {0xF9, 0xFC, "u"},
    {0xFD, 0xFD, "y"}, {0xFF, 0xFF, "y"},
    // Latin Extended-A, in code point order
    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"}, {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"}, {0x11C, 0x123, "g"},
    {0x124, 0x127, "h"}, {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"}, {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"}, {0x154, 0x159, "r"},
    {0x15A, 0x161, "s"}, {0x162, 0x167, "t"}, {0x168, 0x173, "u"}, {0x174, 0x175, "w"}, {0x176, 0x178, "y"},
    {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
    // Latin Extended-B: the Romanian comma-below letters, common in names
    {0x218, 0x219, "s"}, {0x21A, 0x21B, "t"},
};
// clang-format on

// Greek and Cyrillic letters that fold to another single letter (tonos and
// diaeresis stripped, final sigma as sigma, ё as е). Capitals not listed here
// are lower-cased by offset in BuildFoldTable.
struct FoldLetter {
  char32_t from;
  char32_t to;
};
// clang-format off
inline constexpr FoldLetter kLetterFolds[] = {
    // Greek: Ά Έ Ή Ί Ό Ύ Ώ ΐ Ϊ Ϋ ά έ ή ί ΰ ς ϊ ϋ ό ύ ώ ϴ, and µ (micro sign) as μ.
    {0x386, 0x3B1}, {0x388, 0x3B5}, {0x389, 0x3B7}, {0x38A, 0x3B9}, {0x38C, 0x3BF}, {0x38E, 0x3C5}, {0x38F, 0x3C9},
    {0x390, 0x3B9}, {0x3AA, 0x3B9}, {0x3AB, 0x3C5}, {0x3AC, 0x3B1}, {0x3AD, 0x3B5}, {0x3AE, 0x3B7}, {0x3AF, 0x3B9},
    {0x3B0, 0x3C5}, {0x3C2, 0x3C3}, {0x3CA, 0x3B9}, {0x3CB, 0x3C5}, {0x3CC, 0x3BF}, {0x3CD, 0x3C5}, {0x3CE, 0x3C9},
    {0x3F4, 0x3B8}, {0xB5, 0x3BC},
    // Cyrillic: Ѐ Ё Ѝ ѐ ё ѝ (й, ї, ў and the like are letters of their own and stay).
    {0x400, 0x435}, {0x401, 0x435}, {0x40D, 0x438}, {0x450, 0x435}, {0x451, 0x435}, {0x45D, 0x438},
};
// clang-format on

constexpr std::array<FoldEntry, kFoldTableSize> BuildFoldTable() {
  std::array<FoldEntry, kFoldTableSize> table{};
  // ASCII: letters lower-cased, digits kept, everything else separates words.
  for (char32_t c = 0; c < 0x80; ++c) {
    const char ch = static_cast<char>(c);
    if (IsAsciiDigit(ch) || IsAsciiLower(ch))
      table[c] = Encode(c);
    else if (IsAsciiUpper(ch))
      table[c] = Encode(c + 0x20);
    else
      table[c] = FoldEntry{kSeparatorSize, {}};
  }
  // Everything else below U+0800 passes through unless a rule below applies.
  for (char32_t c = 0x80; c < kFoldTableSize; ++c) table[c] = Encode(c);
  auto separate = [&table](char32_t first, char32_t last) {
    for (char32_t c = first; c <= last; ++c) table[c] = FoldEntry{kSeparatorSize, {}};
  };
  auto lower_by_offset = [&table](char32_t first, char32_t last, char32_t offset) {
    for (char32_t c = first; c <= last; ++c) table[c] = Encode(c + offset);
  };
  // Pairs where the capital comes first (even or odd as `capital_parity` says).
  auto lower_pairs = [&table](char32_t first, char32_t last, char32_t capital_parity) {
    for (char32_t c = first; c <= last; ++c) {
      if (c % 2 == capital_parity) table[c] = Encode(c + 1);
    }
  };

  // Latin-1 Supplement: C1 controls, punctuation and symbols separate words.
  separate(0x80, 0xBF);
  separate(0xD7, 0xD7);        // ×
  separate(0xF7, 0xF7);        // ÷
  table[0xDE] = Encode(0xFE);  // Þ → þ
  // Spacing modifier letters (ʼ ˈ ˚ …) act as apostrophes and accents: separators.
  separate(0x2B0, 0x2FF);
  // Combining diacritical marks vanish, so decomposed "e\u0301" folds like "é".
  for (char32_t c = 0x300; c <= 0x36F; ++c) table[c] = FoldEntry{kDropSize, {}};

  // Greek
  lower_pairs(0x370, 0x373, 0);
  lower_pairs(0x376, 0x377, 0);
  separate(0x374, 0x375);
  separate(0x37E, 0x37E);  // Greek question mark
  separate(0x384, 0x385);  // spacing tonos
  separate(0x387, 0x387);  // ano teleia
  table[0x37F] = Encode(0x3F3);
  lower_by_offset(0x391, 0x3A1, 0x20);
  lower_by_offset(0x3A3, 0x3A9, 0x20);
  lower_pairs(0x3D8, 0x3EF, 0);

  // Cyrillic
  lower_by_offset(0x400, 0x40F, 0x50);
  lower_by_offset(0x410, 0x42F, 0x20);
  lower_pairs(0x460, 0x481, 0);
  separate(0x482, 0x482);                                                         // thousands sign
  for (char32_t c = 0x483; c <= 0x489; ++c) table[c] = FoldEntry{kDropSize, {}};  // combining
  lower_pairs(0x48A, 0x4BF, 0);
  table[0x4C0] = Encode(0x4CF);  // palochka
  lower_pairs(0x4C1, 0x4CE, 1);
  lower_pairs(0x4D0, 0x52F, 0);

  for (const FoldRun& run : kLatinRuns) {
    for (char32_t c = run.first; c <= run.last; ++c) table[c] = Ascii(run.fold);
  }
  for (const FoldLetter& letter : kLetterFolds) table[letter.from] = Encode(letter.to);
  return table;
}

inline constexpr std::array<FoldEntry, kFoldTableSize> kFoldTable = BuildFoldTable();

// How a code point at or above U+0800 folds. Letters of other scripts pass
// through; punctuation, symbols and emoji separate words.
enum class WideFold : std::uint8_t { kKeep, kSeparate, kDrop, kFullwidthAscii };

WideFold ClassifyWide(char32_t code_point) {
  if (code_point < 0x2000) return WideFold::kKeep;
  if (code_point <= 0x2BFF) {  // punctuation, currency, letterlike, arrows, math, shapes, dingbats
    if (code_point >= 0x200B && code_point <= 0x200D) return WideFold::kDrop;  // zero-width spaces and joiners
    return WideFold::kSeparate;
  }
  if (code_point >= 0x3000 && code_point <= 0x303F) return WideFold::kSeparate;  // CJK punctuation
  if (code_point >= 0xFE00 && code_point <= 0xFE0F) return WideFold::kDrop;      // variation selectors
  if (code_point == 0xFEFF) return WideFold::kSeparate;                          // byte order mark
  if (code_point >= 0xFF01 && code_point <= 0xFF5E) return WideFold::kFullwidthAscii;
  if (code_point >= 0x1F000 && code_point <= 0x1FAFF) return WideFold::kSeparate;  // emoji and pictographs
  if (code_point >= 0xE0000 && code_point <= 0xE007F) return WideFold::kDrop;      // tag characters
  return WideFold::kKeep;
}

// ---------------------------------------------------------------------------
// Phones

// Whether an E.164 calling code is two digits long (given its first two
// digits); codes starting with 1 or 7 have one digit, all others three.
// Calling codes are prefix-free, so the first digits decide the length.
bool IsTwoDigitCallingCode(char first, char second) {
  static constexpr std::string_view kTwoDigitCodes[] = {
      "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
      "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
      "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"};
  for (std::string_view code : kTwoDigitCodes) {
    if (code[0] == first && code[1] == second) return true;
  }
  return false;
}

std::size_t CallingCodeDigits(std::string_view e164_digits) {
  if (e164_digits.empty()) return 0;
  if (e164_digits[0] == '1' || e164_digits[0] == '7') return 1;
  if (e164_digits.size() >= 2 && IsTwoDigitCallingCode(e164_digits[0], e164_digits[1])) return 2;
  return e164_digits.size() >= 3 ? 3 : e164_digits.size();
}

// Countries whose numbers keep the leading 0 after the calling code (Italy,
// San Marino): the 0 there is not a trunk prefix.
bool KeepsLeadingZero(std::string_view calling_code) { return calling_code == "39" || calling_code == "378"; }

// ---------------------------------------------------------------------------
// Dates

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

// Parses 1..max_digits ASCII digits; nullopt for anything else.
std::optional<int> ParseDigits(std::string_view text, std::size_t min_digits, std::size_t max_digits) {
  if (text.size() < min_digits || text.size() > max_digits) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!IsAsciiDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string FormatDate(int year, int month, int day) {
  std::string out(10, '0');
  out[0] = static_cast<char>('0' + year / 1000);
  out[1] = static_cast<char>('0' + year / 100 % 10);
  out[2] = static_cast<char>('0' + year / 10 % 10);
  out[3] = static_cast<char>('0' + year % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + month / 10);
  out[6] = static_cast<char>('0' + month % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
  return out;
}

// ---------------------------------------------------------------------------
// Search document

// Appends `text` after a space (unless `out` is empty or `text` is).
void AppendWord(std::string& out, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty()) out += ' ';
  out += text;
}

std::string FoldedEmailWords(std::string_view email) {
  // Split parts ("ivan petrov mail ru"), then the local part as one run when
  // it had separators ("ivanpetrov"), so "ivanpetrov" finds "ivan.petrov@…".
  std::string words = FoldForSearch(email);
  const std::size_t at = email.find('@');
  const std::string local = FoldForSearch(email.substr(0, at));
  if (local.find(' ') != std::string::npos) {
    std::string joined;
    for (char c : local) {
      if (c != ' ') joined += c;
    }
    AppendWord(words, joined);
  }
  return words;
}

// ---------------------------------------------------------------------------
// Numbers

Checked<std::string> NormalizeNumber(std::string_view text) {
  constexpr std::size_t kSignificantDigitsMax = 15;
  const std::string shown = Excerpt(text);
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  const std::size_t point = rest.find('.');
  std::string_view integer_part = rest.substr(0, point);
  std::string_view fraction_part = point == std::string_view::npos ? std::string_view{} : rest.substr(point + 1);
  if (rest.find(',') != std::string_view::npos) {
    return Refuse<std::string>("number '" + shown + "' has a ','; write a plain number with '.' for decimals");
  }
  auto all_digits = [](std::string_view part) {
    for (char c : part) {
      if (!IsAsciiDigit(c)) return false;
    }
    return true;
  };
  if ((integer_part.empty() && fraction_part.empty()) || !all_digits(integer_part) || !all_digits(fraction_part)) {
    return Refuse<std::string>("not a number: '" + shown + "'");
  }
  while (!integer_part.empty() && integer_part.front() == '0') integer_part.remove_prefix(1);
  while (!fraction_part.empty() && fraction_part.back() == '0') fraction_part.remove_suffix(1);
  std::size_t significant = integer_part.size() + fraction_part.size();
  if (integer_part.empty()) {
    std::size_t leading_zeros = 0;
    while (leading_zeros < fraction_part.size() && fraction_part[leading_zeros] == '0') ++leading_zeros;
    significant -= leading_zeros;
  }
  if (significant > kSignificantDigitsMax) {
    return Refuse<std::string>("number '" + shown + "' has more than 15 significant digits");
  }
  std::string out;
  const bool zero = integer_part.empty() && fraction_part.empty();
  if (negative && !zero) out += '-';
  if (integer_part.empty())
    out += '0';
  else
    out += integer_part;
  if (!fraction_part.empty()) {
    out += '.';
    out += fraction_part;
  }
  return Accept(std::move(out));
}

}  // namespace

// ---------------------------------------------------------------------------

Checked<std::string> NormalizeEmail(std::string_view raw) {
  const std::string_view email = Trim(raw);
  if (email.empty()) return Refuse<std::string>("e-mail is empty");
  if (email.size() > limits::kEmailBytesMax) {
    return Refuse<std::string>("e-mail is longer than " + std::to_string(limits::kEmailBytesMax) + " bytes");
  }
  if (!IsSingleLineText(email)) return Refuse<std::string>(SingleLineProblem("e-mail", email));
  std::size_t at = std::string_view::npos;
  for (std::size_t index = 0; index < email.size(); ++index) {
    const char c = email[index];
    if (IsAsciiSpace(c) || email.substr(index).starts_with("\xC2\xA0")) {
      return Refuse<std::string>("e-mail has a space");
    }
    if (c == '@') {
      if (at != std::string_view::npos) return Refuse<std::string>("e-mail has more than one '@'");
      at = index;
      continue;
    }
    // Characters that appear only inside quoted local parts, which no real
    // mailbox of a customer uses; refusing them catches "a@b.ru, c@d.ru" cells.
    if (std::string_view("\"(),:;<>[\\]").find(c) != std::string_view::npos) {
      return Refuse<std::string>("e-mail has a character not allowed: " + Quoted(c));
    }
  }
  if (at == std::string_view::npos) return Refuse<std::string>("e-mail has no '@'");
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty()) return Refuse<std::string>("e-mail has nothing before '@'");
  if (domain.empty()) return Refuse<std::string>("e-mail has no domain");
  if (domain.find('.') == std::string_view::npos) return Refuse<std::string>("e-mail domain has no dot");
  if (domain.back() == '.') return Refuse<std::string>("e-mail domain ends with a dot");
  if (domain.front() == '.' || domain.find("..") != std::string_view::npos) {
    return Refuse<std::string>("e-mail domain has an empty part between dots");
  }
  return Accept(LowerEmail(email));
}

Checked<std::string> NormalizePhone(std::string_view raw, std::string_view default_calling_code) {
  const std::string_view phone = Trim(raw);
  if (phone.empty()) return Refuse<std::string>("phone is empty");
  // Collect the digits; the digit count is checked against E.164 below, so
  // collection stops growing one past the maximum.
  std::string digits;
  bool plus = false;
  for (std::size_t index = 0; index < phone.size(); ++index) {
    const char c = phone[index];
    if (IsAsciiDigit(c)) {
      if (digits.size() <= limits::kPhoneDigitsMax + 3) digits += c;
    } else if (c == '+') {
      if (index != 0) return Refuse<std::string>("phone has '+' that is not at the start");
      plus = true;
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
      return Refuse<std::string>("phone has a character not allowed: " + Quoted(c));
    }
  }
  if (digits.empty()) return Refuse<std::string>("phone has no digits");

  std::string e164_digits;
  if (plus || digits.starts_with("00")) {
    e164_digits = plus ? digits : digits.substr(2);
    if (!e164_digits.empty() && e164_digits.front() == '0') {
      return Refuse<std::string>("phone country code cannot start with 0");
    }
  } else {
    if (default_calling_code.empty()) {
      return Refuse<std::string>("phone has no country code (start it with '+' or '00')");
    }
    const std::optional<int> code = ParseDigits(default_calling_code, 1, 3);
    if (!code || default_calling_code.front() == '0') {
      return Refuse<std::string>("default calling code '" + Excerpt(default_calling_code) + "' is not 1 to 3 digits");
    }
    std::string_view national = digits;
    if (default_calling_code == "7" && national.size() == 11 && (national[0] == '8' || national[0] == '7')) {
      // Russia and Kazakhstan: "8 916 …" is the trunk prefix; "7 916 …" is the
      // calling code written without '+'. Both leave the 10-digit number.
      national.remove_prefix(1);
    } else if (national.front() == '0' && !KeepsLeadingZero(default_calling_code)) {
      // A trunk 0 ("07946 0958" in the UK) is dialled only inside the country.
      national.remove_prefix(1);
    }
    e164_digits = std::string(default_calling_code) + std::string(national);
  }
  if (e164_digits.size() < 8 || e164_digits.size() > limits::kPhoneDigitsMax) {
    const std::string count =
        e164_digits.size() > limits::kPhoneDigitsMax ? "more than 15" : std::to_string(e164_digits.size());
    return Refuse<std::string>("phone has " + count + " digits; E.164 needs 8 to 15");
  }
  return Accept("+" + e164_digits);
}

Checked<std::string> NormalizeDate(std::string_view raw) {
  const std::string_view text = Trim(raw);
  if (text.empty()) return Refuse<std::string>("date is empty");
  std::optional<int> year;
  std::optional<int> month;
  std::optional<int> day;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    year = ParseDigits(text.substr(0, 4), 4, 4);
    month = ParseDigits(text.substr(5, 2), 2, 2);
    day = ParseDigits(text.substr(8, 2), 2, 2);
  } else if (const std::size_t first_dot = text.find('.'); first_dot != std::string_view::npos) {
    // Day first, as written in Russia and most of Europe: "31.12.1999", "1.2.1990".
    const std::size_t second_dot = text.find('.', first_dot + 1);
    if (second_dot != std::string_view::npos) {
      day = ParseDigits(text.substr(0, first_dot), 1, 2);
      month = ParseDigits(text.substr(first_dot + 1, second_dot - first_dot - 1), 1, 2);
      year = ParseDigits(text.substr(second_dot + 1), 4, 4);
    }
  }
  if (!year || !month || !day) {
    return Refuse<std::string>("date '" + Excerpt(text) + "' is not YYYY-MM-DD or DD.MM.YYYY");
  }
  if (*year < 1900 || *year > 2100) {
    return Refuse<std::string>("year " + std::to_string(*year) + " is outside 1900..2100");
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > DaysInMonth(*year, *month)) {
    return Refuse<std::string>("no such date: " + FormatDate(*year, *month, *day));
  }
  return Accept(FormatDate(*year, *month, *day));
}

Checked<std::string> NormalizeName(std::string_view raw) {
  const std::string_view name = Trim(raw);
  if (name.size() > limits::kNameBytesMax) {
    return Refuse<std::string>("name is longer than " + std::to_string(limits::kNameBytesMax) + " bytes");
  }
  if (!IsSingleLineText(name)) return Refuse<std::string>(SingleLineProblem("name", name));
  return Accept(std::string(name));
}

std::string FoldForSearch(std::string_view text) {
  std::string out(text.size(), '\0');
  char* const begin = out.data();
  char* write = begin;
  bool pending_space = false;
  const auto* read = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = read + text.size();

  auto emit = [&](const char* bytes, std::size_t size) {
    if (pending_space && write != begin) *write++ = ' ';
    pending_space = false;
    for (std::size_t i = 0; i < size; ++i) *write++ = bytes[i];
  };
  auto emit_entry = [&](const FoldEntry& entry) {
    if (entry.size == kSeparatorSize)
      pending_space = true;
    else if (entry.size != kDropSize)
      emit(entry.bytes.data(), entry.size);
  };
  auto is_continuation = [](unsigned char byte) { return (byte & 0xC0) == 0x80; };

  while (read < end) {
    const unsigned char lead = *read;
    if (lead < 0x80) {
      emit_entry(kFoldTable[lead]);
      ++read;
      continue;
    }
    const std::size_t left = static_cast<std::size_t>(end - read);
    if (lead >= 0xC2 && lead <= 0xDF && left >= 2 && is_continuation(read[1])) {
      emit_entry(kFoldTable[(char32_t{lead} & 0x1F) << 6 | (read[1] & 0x3F)]);
      read += 2;
      continue;
    }
    std::size_t length = 0;
    char32_t code_point = 0;
    if ((lead & 0xF0) == 0xE0 && left >= 3 && is_continuation(read[1]) && is_continuation(read[2])) {
      code_point = (char32_t{lead} & 0x0F) << 12 | (char32_t{read[1]} & 0x3F) << 6 | (read[2] & 0x3F);
      if (code_point >= 0x800 && (code_point < 0xD800 || code_point > 0xDFFF)) length = 3;
    } else if ((lead & 0xF8) == 0xF0 && left >= 4 && is_continuation(read[1]) && is_continuation(read[2]) &&
               is_continuation(read[3])) {
      code_point = (char32_t{lead} & 0x07) << 18 | (char32_t{read[1]} & 0x3F) << 12 | (char32_t{read[2]} & 0x3F) << 6 |
                   (read[3] & 0x3F);
      if (code_point >= 0x10000 && code_point <= 0x10FFFF) length = 4;
    }
    if (length == 0) {  // invalid or truncated: this byte becomes a space, resynchronise on the next
      pending_space = true;
      ++read;
      continue;
    }
    switch (ClassifyWide(code_point)) {
      case WideFold::kKeep: emit(reinterpret_cast<const char*>(read), length); break;
      case WideFold::kSeparate: pending_space = true; break;
      case WideFold::kDrop: break;
      case WideFold::kFullwidthAscii: emit_entry(kFoldTable[code_point - 0xFEE0]); break;
    }
    read += length;
  }
  out.resize(static_cast<std::size_t>(write - begin));
  return out;
}

std::vector<std::string> SearchTerms(std::string_view query) {
  const std::string folded = FoldForSearch(query);
  std::vector<std::string> terms;
  std::size_t start = 0;
  while (start < folded.size() && terms.size() < limits::kSearchTermsMax) {
    std::size_t stop = folded.find(' ', start);
    if (stop == std::string::npos) stop = folded.size();
    terms.emplace_back(folded, start, stop - start);
    start = stop + 1;
  }
  return terms;
}

std::string ContactSearchDocument(const SearchDocumentParts& parts) {
  std::string document;
  AppendWord(document, FoldForSearch(parts.first_name));
  AppendWord(document, FoldForSearch(parts.last_name));
  for (std::string_view email : parts.emails) AppendWord(document, FoldedEmailWords(email));
  for (std::string_view phone : parts.phones) {
    std::string digits;
    for (char c : phone) {
      if (IsAsciiDigit(c)) digits += c;
    }
    AppendWord(document, digits);
    const std::size_t code_digits = CallingCodeDigits(digits);
    if (code_digits < digits.size()) AppendWord(document, std::string_view(digits).substr(code_digits));
  }
  for (std::string_view company : parts.company_names) AppendWord(document, FoldForSearch(company));
  AppendWord(document, FoldForSearch(parts.external_id));
  if (document.size() > limits::kSearchTextBytesMax) {
    // Cut at the last space that keeps the document within the limit, so no
    // word (and no UTF-8 sequence) is cut in half.
    const std::size_t cut = document.rfind(' ', limits::kSearchTextBytesMax);
    document.resize(cut == std::string::npos ? 0 : cut);
  }
  return document;
}

std::string SortName(std::string_view first_name, std::string_view last_name) {
  std::string sort_name = FoldForSearch(last_name);
  AppendWord(sort_name, FoldForSearch(first_name));
  return sort_name;
}

Checked<std::string> NormalizeCustomValue(const CustomFieldRule& rule, std::string_view raw) {
  const std::string_view text = Trim(raw);
  if (text.empty()) {
    if (rule.required) return Refuse<std::string>("a value is required");
    return Accept(std::string());
  }
  switch (rule.type) {
    case CustomFieldType::kText:
      if (text.size() > limits::kFieldBytesMax) {
        return Refuse<std::string>("text is longer than " + std::to_string(limits::kFieldBytesMax) + " bytes");
      }
      if (!IsSingleLineText(text)) return Refuse<std::string>(SingleLineProblem("text", text));
      return Accept(std::string(text));
    case CustomFieldType::kNumber:
      if (text.size() > limits::kFieldBytesMax) return Refuse<std::string>("number is too long");
      return NormalizeNumber(text);
    case CustomFieldType::kDate: return NormalizeDate(text);
    case CustomFieldType::kChoice: {
      for (const std::string& choice : rule.choices) {
        if (choice == text) return Accept(choice);
      }
      // List the choices, but not so many that the reason becomes a page.
      constexpr std::size_t kChoicesShownMax = 10;
      std::string reason = "not one of: ";
      for (std::size_t index = 0; index < rule.choices.size() && index < kChoicesShownMax; ++index) {
        if (index > 0) reason += ", ";
        reason += rule.choices[index];
      }
      if (rule.choices.size() > kChoicesShownMax) reason += ", ...";
      return Refuse<std::string>(std::move(reason));
    }
  }
  RAPPORT_UNREACHABLE();
}

bool IsValidCustomFieldKey(std::string_view key) {
  constexpr std::size_t kKeyBytesMax = 64;
  if (key.empty() || key.size() > kKeyBytesMax || !IsAsciiLower(key.front())) return false;
  for (char c : key) {
    if (!IsAsciiLower(c) && !IsAsciiDigit(c) && c != '_') return false;
  }
  return true;
}

bool LooksLikeTimeZoneName(std::string_view name) {
  constexpr std::size_t kTimeZoneBytesMax = 64;
  if (name.empty() || name.size() > kTimeZoneBytesMax) return false;
  if (name.front() == '/' || name.back() == '/' || name.find("//") != std::string_view::npos) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '/' && c != '_' && c != '-' && c != '+') return false;
  }
  return true;
}

bool IsSupportedLocale(std::string_view locale) { return locale == "en" || locale == "ru"; }

}  // namespace rapport::domain
