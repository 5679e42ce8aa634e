// The web UI, embedded in the binary at build time: one StaticAsset per file of the Vite build
// (web/scripts/embed.mjs generates the table). Built with RAPPORT_UI=OFF the table is empty and the
// server answers "/" with a note that the UI was not built.
//
// Invariants: paths are unique, sorted and start with '/'; when the table is not empty it holds
// "/index.html"; every ETag is a quoted SHA-256 of the identity bytes; a non-empty gzip inflates to
// the identity bytes; immutable is true exactly for Vite's content-hashed files under /assets/.
// Thread safety: the table is constant data with static storage duration; read it from any thread.
#pragma once

#include <span>

#include "rapport/http/server.h"  // rapport::http::StaticAsset

namespace rapport::web {

std::span<const http::StaticAsset> EmbeddedAssets();

}  // namespace rapport::web
