// The Beast-free parts of RequestContext; the awaitable helpers live with the
// transport in server.cc.
#include "request_context.h"

#include <spdlog/spdlog.h>

namespace rapport::http {

std::string_view RequestContext::Param(std::string_view name) const {
  for (const PathParam& param : params_) {
    if (param.name == name) return param.value;
  }
  return {};
}

app::Origin RequestContext::Origin() const {
  const auto user_agent = request_.FindHeader("user-agent");
  return app::Origin{.remote = request_.remote, .user_agent = user_agent ? std::string(*user_agent) : std::string()};
}

Response RequestContext::Json(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

Response RequestContext::StatusProblem(const Status& status) const {
  const Problem problem = ProblemFromStatus(status);
  if (problem.status >= 500) {
    spdlog::error("request {} {} {} failed: {}", request_.request_id, request_.method_name, request_.path,
                  status.ToString());
  }
  return ProblemFor(problem);
}

}  // namespace rapport::http
