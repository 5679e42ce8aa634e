#include "router.h"

#include <gtest/gtest.h>

namespace rapport::http {
namespace {

boost::asio::awaitable<Response> Nothing(RequestContext&) { co_return Response{}; }

Route MakeRoute(Method method, std::string pattern) {
  return Route{method, std::move(pattern), app::Permission::Public(), Nothing, {}};
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(MakeRoute(Method::kGet, "/healthz"));
    router_.Add(MakeRoute(Method::kGet, "/api/v1/contacts"));
    router_.Add(MakeRoute(Method::kPost, "/api/v1/contacts"));
    router_.Add(MakeRoute(Method::kGet, "/api/v1/contacts/{contact_id}"));
    router_.Add(MakeRoute(Method::kDelete, "/api/v1/contacts/{contact_id}"));
    router_.Add(MakeRoute(Method::kGet, "/api/v1/contacts/{contact_id}/purchases/{purchase_id}"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralPath) {
  const RouteMatch match = router_.Find(Method::kGet, "/healthz");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->pattern, "/healthz");
  EXPECT_EQ(match.route_index, 0u);
  EXPECT_TRUE(match.params.empty());
}

TEST_F(RouterTest, CapturesParameters) {
  const RouteMatch match = router_.Find(Method::kGet, "/api/v1/contacts/c_42/purchases/p_7");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  ASSERT_EQ(match.params.size(), 2u);
  EXPECT_EQ(match.params[0].name, "contact_id");
  EXPECT_EQ(match.params[0].value, "c_42");
  EXPECT_EQ(match.params[1].name, "purchase_id");
  EXPECT_EQ(match.params[1].value, "p_7");
}

TEST_F(RouterTest, SelectsByMethod) {
  EXPECT_EQ(router_.Find(Method::kPost, "/api/v1/contacts").route->method, Method::kPost);
  EXPECT_EQ(router_.Find(Method::kGet, "/api/v1/contacts").route->method, Method::kGet);
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(router_.Find(Method::kGet, "/nope").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Find(Method::kGet, "/healthz/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Find(Method::kGet, "/api/v1/contacts/").kind, RouteMatch::Kind::kNotFound);  // empty param
  EXPECT_EQ(router_.Find(Method::kGet, "/api/v1/contacts/1/extra").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Find(Method::kGet, "/api/v1").kind, RouteMatch::Kind::kNotFound);
}

TEST_F(RouterTest, WrongMethodListsAllowedMethods) {
  const RouteMatch match = router_.Find(Method::kPut, "/api/v1/contacts/9");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET, HEAD, DELETE");
  EXPECT_EQ(router_.Find(Method::kPost, "/healthz").allow, "GET, HEAD");
}

TEST_F(RouterTest, HeadIsServedByGetRoute) {
  const RouteMatch match = router_.Find(Method::kHead, "/api/v1/contacts/9");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->method, Method::kGet);
  ASSERT_EQ(match.params.size(), 1u);
  EXPECT_EQ(match.params[0].value, "9");
}

TEST(RouterSplitTest, SplitsSegments) {
  EXPECT_EQ(SplitPath("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(SplitPath("/"), (std::vector<std::string_view>{""}));
  EXPECT_TRUE(IsParameterSegment("{id}"));
  EXPECT_FALSE(IsParameterSegment("{}"));
  EXPECT_FALSE(IsParameterSegment("id"));
}

TEST(RouterDeathTest, DuplicateRouteIsABug) {
  Router router;
  router.Add(MakeRoute(Method::kGet, "/x"));
  EXPECT_DEATH(router.Add(MakeRoute(Method::kGet, "/x")), "duplicate route");
}

}  // namespace
}  // namespace rapport::http
