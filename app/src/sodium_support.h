// Private helpers shared by the app layer's libsodium users (passwords, tokens,
// audit chain): one-time library initialisation and SHA-256 as lowercase hex.
//
// Thread safety: both functions are safe from any thread; EnsureSodiumReady
// initialises libsodium exactly once (std::call_once).
#pragma once

#include <string>
#include <string_view>

namespace rapport::app::internal {

// Initialises libsodium on first call. A failure leaves no safe random source
// or hash, so it is treated as a broken installation (assert).
void EnsureSodiumReady();

// SHA-256 of `bytes`, 64 lowercase hex characters.
std::string Sha256Hex(std::string_view bytes);

}  // namespace rapport::app::internal
