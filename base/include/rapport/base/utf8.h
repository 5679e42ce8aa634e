// UTF-8 checks for text that crosses a boundary (passwords, names, e-mail,
// imported cells). Well-formed means RFC 3629: no stray continuation bytes,
// truncated or overlong sequences, UTF-16 surrogates or values above U+10FFFF.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace rapport {

// The number of code points in well-formed UTF-8, or nullopt when it is not.
std::optional<std::size_t> CountCodePoints(std::string_view text);

// Well-formed UTF-8 without control characters (C0, DEL, C1), line breaks
// and tabs included: what a name, a label or an e-mail address may hold.
bool IsSingleLineText(std::string_view text);

}  // namespace rapport
