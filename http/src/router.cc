// Route table matching (see router.h).
#include "router.h"

#include "rapport/base/assert.h"

namespace rapport::http {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParameterSegment(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

void Router::Add(Route route) {
  RAPPORT_ASSERT_MSG(route.pattern.starts_with('/'), "route patterns start with '/'");
  RAPPORT_ASSERT(route.handler != nullptr);
  for (const Route& existing : routes_) {
    RAPPORT_ASSERT_MSG(!(existing.method == route.method && existing.pattern == route.pattern), "duplicate route");
  }
  Compiled compiled;
  for (std::string_view segment : SplitPath(route.pattern)) {
    RAPPORT_ASSERT_MSG(segment.find_first_of("{}") == std::string_view::npos || IsParameterSegment(segment),
                       "a pattern segment is either literal or a whole {parameter}");
    compiled.segments.emplace_back(segment);
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
}

bool Router::Matches(const Compiled& compiled, std::string_view path, std::vector<PathParam>* params) const {
  if (path.starts_with('/')) path.remove_prefix(1);
  params->clear();
  for (std::size_t index = 0; index < compiled.segments.size(); ++index) {
    const std::size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    const bool last_pattern_segment = index + 1 == compiled.segments.size();
    // Segment counts must agree: no more path after the last pattern segment.
    if (last_pattern_segment != (slash == std::string_view::npos)) return false;
    const std::string& expected = compiled.segments[index];
    if (IsParameterSegment(expected)) {
      if (segment.empty()) return false;
      params->push_back({std::string_view(expected).substr(1, expected.size() - 2), segment});
    } else if (segment != expected) {
      return false;
    }
    if (!last_pattern_segment) path.remove_prefix(slash + 1);
  }
  return true;
}

RouteMatch Router::Find(Method method, std::string_view path) const {
  RouteMatch match;
  std::vector<PathParam> params;
  const Route* get_fallback = nullptr;
  std::size_t get_fallback_index = 0;
  std::vector<PathParam> get_fallback_params;
  std::vector<Method> allowed;
  for (std::size_t index = 0; index < routes_.size(); ++index) {
    if (!Matches(compiled_[index], path, &params)) continue;
    const Route& route = routes_[index];
    if (route.method == method) {
      match.kind = RouteMatch::Kind::kFound;
      match.route = &route;
      match.route_index = index;
      match.params = std::move(params);
      return match;
    }
    if (method == Method::kHead && route.method == Method::kGet && get_fallback == nullptr) {
      get_fallback = &route;
      get_fallback_index = index;
      get_fallback_params = params;
    }
    allowed.push_back(route.method);
    if (route.method == Method::kGet) allowed.push_back(Method::kHead);
  }
  if (get_fallback != nullptr) {
    match.kind = RouteMatch::Kind::kFound;
    match.route = get_fallback;
    match.route_index = get_fallback_index;
    match.params = std::move(get_fallback_params);
    return match;
  }
  if (allowed.empty()) return match;
  match.kind = RouteMatch::Kind::kMethodNotAllowed;
  for (Method candidate : allowed) {
    const std::string_view name = MethodName(candidate);
    if (match.allow.find(name) != std::string::npos) continue;
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += name;
  }
  return match;
}

}  // namespace rapport::http
