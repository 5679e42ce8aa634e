// See sodium_support.h.
#include "sodium_support.h"

#include <sodium.h>

#include <array>
#include <mutex>

#include "rapport/base/assert.h"

namespace rapport::app::internal {

void EnsureSodiumReady() {
  static std::once_flag once;
  std::call_once(once, [] {
    // 0: initialised now; 1: already initialised by someone else; -1: unusable.
    RAPPORT_ASSERT(sodium_init() >= 0);
  });
}

std::string Sha256Hex(std::string_view bytes) {
  EnsureSodiumReady();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();  // sodium_bin2hex writes a terminating NUL
  return hex;
}

}  // namespace rapport::app::internal
