// See password_input.h. libsodium is included for its cost constants only.
#include "password_input.h"

#include <sodium.h>

#include <istream>

namespace rapport::cli {

Result<std::string> ReadPasswordLine(std::istream& in) {
  std::string line;
  char character = 0;
  while (in.get(character) && character != '\n') {
    if (line.size() == kPasswordLineBytesMax) {
      return InvalidArgument("the password on standard input is longer than " + std::to_string(app::kPasswordBytesMax) +
                             " bytes");
    }
    line.push_back(character);
  }
  if (line.ends_with('\r')) line.pop_back();
  if (line.empty()) {
    return InvalidArgument(
        "--password-stdin read an empty password; pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | ...");
  }
  return line;
}

Result<app::PasswordHashOptions> ParsePasswordHashCost(const char* value) {
  const std::string_view cost = value == nullptr ? std::string_view() : std::string_view(value);
  if (cost.empty() || cost == "default") return app::PasswordHashOptions{};
  if (cost == "min") {
    return app::PasswordHashOptions{.ops_limit = crypto_pwhash_OPSLIMIT_MIN,
                                    .mem_limit_bytes = crypto_pwhash_MEMLIMIT_MIN};
  }
  return InvalidArgument(std::string(kPasswordHashCostVariable) + " must be 'default' or 'min' (tests only), not '" +
                         std::string(cost) + "'");
}

}  // namespace rapport::cli
