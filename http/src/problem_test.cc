#include "problem.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace rapport::http {
namespace {

TEST(ProblemTest, EveryStatusCodeHasOneMapping) {
  for (int code = 0; code <= static_cast<int>(StatusCode::kInternal); ++code) {
    const StatusMapping& mapping = MappingFor(static_cast<StatusCode>(code));
    EXPECT_EQ(mapping.status_code, static_cast<StatusCode>(code));
    EXPECT_FALSE(mapping.code.empty());
  }
}

TEST(ProblemTest, MapsTransportNeutralCodesToHttp) {
  struct Case {
    StatusCode code;
    int http_status;
    std::string_view problem_code;
  };
  const Case cases[] = {
      {StatusCode::kInvalidArgument, 400, "invalid_argument"},
      {StatusCode::kNotFound, 404, "not_found"},
      {StatusCode::kAlreadyExists, 409, "already_exists"},
      {StatusCode::kConflict, 409, "conflict"},
      {StatusCode::kFailedPrecondition, 422, "failed_precondition"},
      {StatusCode::kPermissionDenied, 403, "permission_denied"},
      {StatusCode::kUnauthenticated, 401, "unauthenticated"},
      {StatusCode::kResourceExhausted, 429, "resource_exhausted"},
      {StatusCode::kUnavailable, 503, "unavailable"},
      {StatusCode::kDeadlineExceeded, 504, "deadline_exceeded"},
      {StatusCode::kDataLoss, 500, "data_loss"},
      {StatusCode::kInternal, 500, "internal"},
  };
  for (const Case& test_case : cases) {
    const Problem problem = ProblemFromStatus(Status(test_case.code, "details"));
    EXPECT_EQ(problem.status, test_case.http_status) << test_case.problem_code;
    EXPECT_EQ(problem.code, test_case.problem_code);
  }
}

TEST(ProblemTest, ClientErrorsKeepDetailServerErrorsHideIt) {
  EXPECT_EQ(ProblemFromStatus(NotFound("contact 7 not found")).detail, "contact 7 not found");
  const Problem internal = ProblemFromStatus(Internal("sqlite: disk I/O error at /var/lib/rapport.db"));
  EXPECT_EQ(internal.detail.find("sqlite"), std::string::npos);
  EXPECT_EQ(ProblemFromStatus(Unavailable("pq: connection refused 10.0.0.3")).detail.find("10.0.0.3"),
            std::string::npos);
}

TEST(ProblemTest, RendersRfc9457Document) {
  Problem problem = ValidationFailedProblem({{"email", "missing", "This field is required."}});
  const std::string json = RenderProblemJson(problem, "/api/v1/contacts", "req-1");
  rapidjson::Document document;
  document.Parse(json.c_str());
  ASSERT_FALSE(document.HasParseError()) << json;
  EXPECT_STREQ(document["type"].GetString(), "https://rapport.dev/problems/validation_failed");
  EXPECT_EQ(document["status"].GetInt(), 400);
  EXPECT_STREQ(document["code"].GetString(), "validation_failed");
  EXPECT_STREQ(document["instance"].GetString(), "/api/v1/contacts");
  EXPECT_STREQ(document["request_id"].GetString(), "req-1");
  ASSERT_EQ(document["errors"].Size(), 1u);
  EXPECT_STREQ(document["errors"][0]["field"].GetString(), "email");
  EXPECT_STREQ(document["errors"][0]["code"].GetString(), "missing");
}

TEST(ProblemTest, ResponseUsesProblemMediaType) {
  Request request;
  request.path = "/x";
  request.request_id = "abc";
  const Response response = ProblemResponse(NotFoundProblem("nothing"), request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_NE(response.body.find("\"request_id\":\"abc\""), std::string::npos);
  EXPECT_EQ(response.body.find("\"errors\""), std::string::npos);
}

}  // namespace
}  // namespace rapport::http
