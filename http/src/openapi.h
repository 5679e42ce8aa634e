// Builds the OpenAPI 3.1 document from the route table, so the document and
// the served API cannot drift apart. Shared component schemas (Problem,
// FieldError) are referenced by every operation's error responses.
//
// Thread safety: pure function; call after every route is registered.
#pragma once

#include <string>
#include <string_view>

#include "router.h"

namespace rapport::http {

std::string BuildOpenApiDocument(const Router& router, std::string_view version);

// The operationId: the declared one, else derived from method and pattern
// ("get_api_v1_version").
std::string OpenApiOperationId(const Route& route);

}  // namespace rapport::http
