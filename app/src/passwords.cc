// See passwords.h. libsodium is used only here and in sodium_support.cc; its
// C error codes become PasswordVerdict values or Status at this edge.
#include "rapport/app/passwords.h"

#include <sodium.h>

#include <array>
#include <optional>

#include "sodium_support.h"

#include "rapport/base/assert.h"
#include "rapport/base/utf8.h"

namespace rapport::app {
namespace {

static_assert(PasswordHashOptions{}.ops_limit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(PasswordHashOptions{}.mem_limit_bytes == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(crypto_pwhash_ALG_DEFAULT == crypto_pwhash_ALG_ARGON2ID13, "crypto_pwhash_str must produce argon2id");

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

bool LooksLikeArgon2id(std::string_view encoded_hash) {
  return encoded_hash.starts_with(kArgon2idPrefix) && encoded_hash.size() < crypto_pwhash_STRBYTES;
}

}  // namespace

std::string_view PasswordCheckName(PasswordCheck check) {
  switch (check) {
    case PasswordCheck::kAccepted: return "accepted";
    case PasswordCheck::kWeakPassword: return "weak_password";
    case PasswordCheck::kPasswordTooLong: return "password_too_long";
    case PasswordCheck::kInvalidUtf8: return "invalid_utf8";
  }
  return "unknown";
}

std::string_view PasswordVerdictName(PasswordVerdict verdict) {
  switch (verdict) {
    case PasswordVerdict::kMismatch: return "mismatch";
    case PasswordVerdict::kMatch: return "match";
    case PasswordVerdict::kMatchNeedsRehash: return "match_needs_rehash";
  }
  return "unknown";
}

PasswordCheck CheckPassword(std::string_view password) {
  // Bytes first: it bounds the work of counting, too.
  if (password.size() > kPasswordBytesMax) return PasswordCheck::kPasswordTooLong;
  const std::optional<std::size_t> code_points = CountCodePoints(password);
  if (!code_points) return PasswordCheck::kInvalidUtf8;
  if (*code_points < kPasswordCodePointsMin) return PasswordCheck::kWeakPassword;
  return PasswordCheck::kAccepted;
}

Result<std::string> HashPassword(std::string_view password, const PasswordHashOptions& options) {
  RAPPORT_ASSERT_MSG(CheckPassword(password) == PasswordCheck::kAccepted, "HashPassword before CheckPassword");
  internal::EnsureSodiumReady();
  std::array<char, crypto_pwhash_STRBYTES> encoded{};
  // Nonzero only when the memory limit cannot be allocated (or the limits are
  // out of range, which the options' users keep within libsodium's bounds).
  if (crypto_pwhash_str(encoded.data(), password.data(), password.size(), options.ops_limit, options.mem_limit_bytes) !=
      0) {
    return ResourceExhausted("argon2id: cannot allocate " + std::to_string(options.mem_limit_bytes) + " bytes");
  }
  return std::string(encoded.data());
}

Result<PasswordVerdict> VerifyPassword(std::string_view password, std::string_view encoded_hash,
                                       const PasswordHashOptions& options) {
  if (!LooksLikeArgon2id(encoded_hash)) return DataLoss("stored password hash is not an argon2id encoding");
  if (password.size() > kPasswordBytesMax) return PasswordVerdict::kMismatch;
  internal::EnsureSodiumReady();
  const std::string terminated(encoded_hash);  // libsodium reads a NUL-terminated string
  // -1 means a wrong password, a malformed encoding or no memory; libsodium
  // does not say which. The prefix check above rules out most malformed ones.
  if (crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) != 0) {
    return PasswordVerdict::kMismatch;
  }
  const int rehash = crypto_pwhash_str_needs_rehash(terminated.c_str(), options.ops_limit, options.mem_limit_bytes);
  if (rehash < 0) return DataLoss("stored password hash has malformed parameters");
  return rehash == 0 ? PasswordVerdict::kMatch : PasswordVerdict::kMatchNeedsRehash;
}

std::string NewSecret() {
  internal::EnsureSodiumReady();
  std::array<unsigned char, kTokenRandomBytes> random_bytes{};
  randombytes_buf(random_bytes.data(), random_bytes.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string encoded(sodium_base64_ENCODED_LEN(kTokenRandomBytes, kVariant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), random_bytes.data(), random_bytes.size(), kVariant);
  encoded.resize(encoded.find('\0'));  // the length macro counts the terminating NUL
  sodium_memzero(random_bytes.data(), random_bytes.size());
  return encoded;
}

std::string NewToken() { return std::string(kTokenPrefix) + NewSecret(); }

std::string TokenDigest(std::string_view token) { return internal::Sha256Hex(token); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  internal::EnsureSodiumReady();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rapport::app
