// Passwords and API tokens: the secrets users and integrations present.
//
// Passwords are hashed with argon2id (libsodium crypto_pwhash_str). The encoded
// hash carries its own salt and parameters, so raising the cost later only
// needs VerifyPassword to report kMatchNeedsRehash and the caller to store a
// fresh hash. The policy follows NIST SP 800-63B: a minimum length counted in
// Unicode code points, a maximum in bytes (it bounds the hashing work an
// attacker can request), and no composition rules.
//
// API tokens are 32 random bytes; only their SHA-256 digest is stored, so a
// leaked table does not leak usable tokens. A token has enough entropy that a
// fast hash is sufficient.
//
// Thread safety: all functions are safe to call from any thread. Hashing is
// deliberately slow and memory-hungry: call it off the I/O threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rapport/base/status.h"

namespace rapport::app {

inline constexpr std::size_t kPasswordCodePointsMin = 12;
inline constexpr std::size_t kPasswordBytesMax = 1024;

// The argon2id cost. The defaults are libsodium's "interactive" argon2id
// limits (2 passes, 64 MiB); tests use crypto_pwhash_OPSLIMIT_MIN/MEMLIMIT_MIN.
struct PasswordHashOptions {
  std::uint64_t ops_limit = 2;
  std::size_t mem_limit_bytes = std::size_t{64} << 20;
};

// What the policy says about a new password.
enum class PasswordCheck : std::uint8_t {
  kAccepted,
  kWeakPassword,     // fewer than kPasswordCodePointsMin code points
  kPasswordTooLong,  // more than kPasswordBytesMax bytes
  kInvalidUtf8,      // not well-formed UTF-8, so its length cannot be counted
};

std::string_view PasswordCheckName(PasswordCheck check);

// Applies the password policy. Pure; does not hash.
PasswordCheck CheckPassword(std::string_view password);

// The argon2id encoding ("$argon2id$v=19$m=...") of a password that passed
// CheckPassword; calling it with one that did not is a bug. Fails only when the
// environment does (memory for the hash cannot be had).
Result<std::string> HashPassword(std::string_view password, const PasswordHashOptions& options);

enum class PasswordVerdict : std::uint8_t {
  kMismatch,
  kMatch,
  kMatchNeedsRehash,  // correct, but hashed with other parameters: store HashPassword's result
};

std::string_view PasswordVerdictName(PasswordVerdict verdict);

// Compares `password` with a stored encoding. A password longer than
// kPasswordBytesMax is a mismatch without hashing (no stored password can be
// that long). A stored value that is not an argon2id encoding is DataLoss.
Result<PasswordVerdict> VerifyPassword(std::string_view password, std::string_view encoded_hash,
                                       const PasswordHashOptions& options);

inline constexpr std::string_view kTokenPrefix = "rpt_";
inline constexpr std::size_t kTokenRandomBytes = 32;

// 32 random bytes in URL-safe base64 without padding (43 characters): session
// cookies, CSRF tokens and generated passwords.
std::string NewSecret();

// A new API token: "rpt_" followed by 32 random bytes in URL-safe base64
// without padding (47 characters in all). Shown to the user once, never stored.
std::string NewToken();

// What is stored for a token: SHA-256 of the whole token as 64 lowercase hex
// characters. Look tokens up by digest, then confirm with ConstantTimeEquals.
std::string TokenDigest(std::string_view token);

// Equality whose running time does not depend on where the inputs differ.
// Only the length may leak, which is public for digests.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace rapport::app
