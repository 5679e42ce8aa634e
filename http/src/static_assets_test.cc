#include "static_assets.h"

#include <gtest/gtest.h>

namespace rapport::http {
namespace {

constexpr unsigned char kIndexBytes[] = {'<', 'h', '1', '>'};
constexpr unsigned char kIndexGzip[] = {0x1f, 0x8b, 0x08};
constexpr unsigned char kScriptBytes[] = {'x', '=', '1'};

const StaticAsset kAssets[] = {
    {"/index.html", "text/html; charset=utf-8", "\"i1\"", kIndexBytes, kIndexGzip, false},
    {"/assets/app-3f2a.js", "text/javascript", "\"a1\"", kScriptBytes, {}, true},
};

Request Get(std::string path, std::vector<Header> headers = {}) {
  Request request;
  request.path = std::move(path);
  request.headers = std::move(headers);
  request.request_id = "r";
  return request;
}

std::string_view HeaderOf(const Response& response, std::string_view name) {
  for (const Header& header : response.headers) {
    if (header.name == name) return header.value;
  }
  return {};
}

TEST(StaticAssetsTest, SelectsExactRootAndClientRoutes) {
  EXPECT_EQ(SelectAsset(kAssets, "/assets/app-3f2a.js"), &kAssets[1]);
  EXPECT_EQ(SelectAsset(kAssets, "/"), &kAssets[0]);
  EXPECT_EQ(SelectAsset(kAssets, "/contacts/42"), &kAssets[0]);  // client-side route
  EXPECT_EQ(SelectAsset(kAssets, "/assets/missing.js"), nullptr);
  EXPECT_EQ(SelectAsset(kAssets, "/favicon.ico"), nullptr);
}

TEST(StaticAssetsTest, IfNoneMatchUsesWeakComparison) {
  EXPECT_TRUE(IfNoneMatchMatches("\"a1\"", "\"a1\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"zz\", W/\"a1\"", "\"a1\""));
  EXPECT_TRUE(IfNoneMatchMatches("*", "\"a1\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"a2\"", "\"a1\""));
  EXPECT_FALSE(IfNoneMatchMatches("", "\"a1\""));
}

TEST(StaticAssetsTest, AcceptsGzipUnlessRefused) {
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip(""));
}

TEST(StaticAssetsTest, ServesGzipWhenAcceptedAndVaries) {
  const Response gzip = ServeStaticAsset(kAssets, Get("/", {{"accept-encoding", "gzip"}}));
  EXPECT_EQ(gzip.status, 200);
  EXPECT_EQ(HeaderOf(gzip, "Content-Encoding"), "gzip");
  EXPECT_EQ(gzip.BodySize(), sizeof(kIndexGzip));
  EXPECT_EQ(HeaderOf(gzip, "Vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderOf(gzip, "Cache-Control"), "no-cache");

  const Response identity = ServeStaticAsset(kAssets, Get("/"));
  EXPECT_EQ(HeaderOf(identity, "Content-Encoding"), "");
  EXPECT_EQ(identity.static_body, "<h1>");
}

TEST(StaticAssetsTest, ImmutableAssetWithoutGzipServesIdentity) {
  const Response response = ServeStaticAsset(kAssets, Get("/assets/app-3f2a.js", {{"accept-encoding", "gzip"}}));
  EXPECT_EQ(HeaderOf(response, "Content-Encoding"), "");
  EXPECT_EQ(response.static_body, "x=1");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(response.content_type, "text/javascript");
}

TEST(StaticAssetsTest, MatchingEtagIsNotModified) {
  const Response response = ServeStaticAsset(kAssets, Get("/assets/app-3f2a.js", {{"if-none-match", "\"a1\""}}));
  EXPECT_EQ(response.status, 304);
  EXPECT_EQ(response.BodySize(), 0u);
  EXPECT_EQ(HeaderOf(response, "ETag"), "\"a1\"");
}

TEST(StaticAssetsTest, UnknownFileIsNotFoundProblem) {
  const Response response = ServeStaticAsset(kAssets, Get("/missing.png"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json");
}

TEST(StaticAssetsTest, EmptyTableExplainsTheUiIsMissing) {
  const Response page = ServeStaticAsset({}, Get("/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.static_body.find("RAPPORT_UI=OFF"), std::string_view::npos);
  EXPECT_EQ(ServeStaticAsset({}, Get("/app.js")).status, 404);
}

}  // namespace
}  // namespace rapport::http
