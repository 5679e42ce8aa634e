#include "message.h"

#include <gtest/gtest.h>

namespace rapport::http {
namespace {

TEST(MessageTest, RequestIdSanity) {
  EXPECT_TRUE(IsSaneRequestId("abc-DEF_123"));
  EXPECT_TRUE(IsSaneRequestId(std::string(64, 'a')));
  EXPECT_FALSE(IsSaneRequestId(std::string(65, 'a')));
  EXPECT_FALSE(IsSaneRequestId(""));
  EXPECT_FALSE(IsSaneRequestId("a b"));
  EXPECT_FALSE(IsSaneRequestId("a\r\nX-Injected: 1"));
}

TEST(MessageTest, JsonMediaTypes) {
  EXPECT_TRUE(IsJsonMediaType("application/json"));
  EXPECT_TRUE(IsJsonMediaType("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(IsJsonMediaType("application/merge-patch+json"));
  EXPECT_FALSE(IsJsonMediaType("text/plain"));
  EXPECT_FALSE(IsJsonMediaType("application/jsonx"));
  EXPECT_FALSE(IsJsonMediaType(""));
}

TEST(MessageTest, RedactsSecretQueryValues) {
  EXPECT_EQ(RedactQuery("page=2&api_key=s3cr3t&token=abc&q=anna"), "page=2&api_key=REDACTED&token=REDACTED&q=anna");
  EXPECT_EQ(RedactQuery("Password=x"), "Password=REDACTED");
  EXPECT_EQ(RedactQuery("flag"), "flag");
  EXPECT_EQ(RedactQuery(""), "");
}

TEST(MessageTest, HeaderLookupIgnoresCase) {
  Request request;
  request.headers = {{"content-type", "application/json"}};
  EXPECT_EQ(request.FindHeader("Content-Type").value_or(""), "application/json");
  EXPECT_FALSE(request.FindHeader("accept").has_value());
}

TEST(MessageTest, MethodNamesRoundTrip) {
  EXPECT_EQ(MethodFromName("PATCH"), Method::kPatch);
  EXPECT_EQ(MethodName(Method::kPatch), "PATCH");
  EXPECT_EQ(MethodFromName("get"), Method::kOther);  // methods are case-sensitive
  EXPECT_EQ(MethodFromName("BREW"), Method::kOther);
}

}  // namespace
}  // namespace rapport::http
