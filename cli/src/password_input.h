// How the CLI takes secrets and the cost of hashing them.
//
// Passwords never come from arguments (they would land in shell history and
// in every `ps` listing): `--password-stdin` reads exactly one line from
// standard input, without its line ending. At most kPasswordLineBytesMax bytes
// are read, so a runaway pipe cannot make the CLI buffer without bound.
//
// RAPPORT_PASSWORD_HASH_COST=min selects libsodium's minimum argon2id cost.
// It exists for tests only: such hashes are cheap to attack. A hash made at
// the minimum cost is rehashed at the configured cost on the next sign-in.
//
// Thread safety: pure functions over the stream they are given.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

#include "rapport/app/passwords.h"
#include "rapport/base/status.h"

namespace rapport::cli {

// One byte more than any acceptable password, plus "\r\n", so "too long" is
// told apart from "exactly at the limit" and the policy check can say so.
inline constexpr std::size_t kPasswordLineBytesMax = app::kPasswordBytesMax + 3;

// Reads one line: strips a trailing "\n" or "\r\n". kInvalidArgument when the
// line is empty (nothing was piped in) or longer than kPasswordLineBytesMax.
// Does not apply the password policy (app::CheckPassword does).
Result<std::string> ReadPasswordLine(std::istream& in);

inline constexpr const char* kPasswordHashCostVariable = "RAPPORT_PASSWORD_HASH_COST";

// The value of RAPPORT_PASSWORD_HASH_COST (nullptr when unset): unset, empty
// or "default" → the default cost; "min" → the minimum cost (tests only).
// kInvalidArgument for anything else.
Result<app::PasswordHashOptions> ParsePasswordHashCost(const char* value);

}  // namespace rapport::cli
