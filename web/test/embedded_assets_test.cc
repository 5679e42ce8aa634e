// Checks the invariants of the embedded UI table (rapport/web/assets.h) on what this build actually
// embedded: with RAPPORT_UI=ON the Vite output, with RAPPORT_UI=OFF an empty table.
#include <zlib.h>

#include <algorithm>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "rapport/web/assets.h"

namespace rapport::web {
namespace {

std::string AsString(std::span<const unsigned char> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Inflates a gzip member with zlib; returns false when the data is not valid gzip.
bool Gunzip(std::span<const unsigned char> gzip, std::string& out) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return false;
  stream.next_in = const_cast<unsigned char*>(gzip.data());
  stream.avail_in = static_cast<uInt>(gzip.size());
  std::vector<unsigned char> buffer(64 * 1024);
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = buffer.data();
    stream.avail_out = static_cast<uInt>(buffer.size());
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(reinterpret_cast<const char*>(buffer.data()), buffer.size() - stream.avail_out);
  }
  inflateEnd(&stream);
  return result == Z_STREAM_END && stream.avail_in == 0;
}

#if RAPPORT_UI_EMBEDDED

const http::StaticAsset* Find(std::string_view path) {
  for (const http::StaticAsset& asset : EmbeddedAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

TEST(EmbeddedAssetsTest, HoldsTheShellPageAndItsScriptAndStyles) {
  const http::StaticAsset* index = Find("/index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_FALSE(index->immutable) << "index.html must be revalidated, it names the current bundle";
  const std::string html = AsString(index->identity);
  EXPECT_NE(html.find("<div id=\"app\">"), std::string::npos);
  // Every script and stylesheet the page references is in the table.
  for (std::string_view marker : {"src=\"", "href=\""}) {
    for (std::size_t at = html.find(marker); at != std::string::npos; at = html.find(marker, at + 1)) {
      const std::size_t begin = at + marker.size();
      const std::string reference = html.substr(begin, html.find('"', begin) - begin);
      EXPECT_NE(Find(reference), nullptr) << "index.html references " << reference << " which is not embedded";
    }
  }
}

TEST(EmbeddedAssetsTest, IndexHasNoInlineScriptOrStyleBecauseOfTheContentSecurityPolicy) {
  const http::StaticAsset* index = Find("/index.html");
  ASSERT_NE(index, nullptr);
  const std::string html = AsString(index->identity);
  for (std::size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) {
    const std::string tag = html.substr(at, html.find('>', at) - at);
    EXPECT_NE(tag.find("src="), std::string::npos) << "inline script: " << tag;
  }
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find(" style="), std::string::npos);
}

TEST(EmbeddedAssetsTest, HashedAssetsAreImmutableAndTyped) {
  int scripts = 0;
  for (const http::StaticAsset& asset : EmbeddedAssets()) {
    EXPECT_EQ(asset.immutable, asset.path.starts_with("/assets/")) << asset.path;
    if (asset.path.ends_with(".js")) {
      ++scripts;
      EXPECT_EQ(asset.content_type, "text/javascript; charset=utf-8") << asset.path;
    }
    if (asset.path.ends_with(".css")) {
      EXPECT_EQ(asset.content_type, "text/css; charset=utf-8") << asset.path;
    }
  }
  EXPECT_GE(scripts, 1);
}

#else

TEST(EmbeddedAssetsTest, IsEmptyWhenBuiltWithoutTheUi) { EXPECT_TRUE(EmbeddedAssets().empty()); }

#endif

TEST(EmbeddedAssetsTest, PathsAreSortedUniqueAndAbsolute) {
  std::vector<std::string_view> paths;
  for (const http::StaticAsset& asset : EmbeddedAssets()) {
    EXPECT_TRUE(asset.path.starts_with("/")) << asset.path;
    paths.push_back(asset.path);
  }
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  EXPECT_EQ(std::adjacent_find(paths.begin(), paths.end()), paths.end());
}

TEST(EmbeddedAssetsTest, EtagsAreQuotedAndDistinctPerContent) {
  std::set<std::string_view> etags;
  for (const http::StaticAsset& asset : EmbeddedAssets()) {
    ASSERT_GE(asset.etag.size(), 3u) << asset.path;
    EXPECT_EQ(asset.etag.front(), '"') << asset.path;
    EXPECT_EQ(asset.etag.back(), '"') << asset.path;
    EXPECT_EQ(asset.etag.size(), 45u) << "base64url SHA-256 (43 characters) in quotes: " << asset.path;
    EXPECT_FALSE(asset.etag.starts_with("W/")) << "strong ETag expected: " << asset.path;
    EXPECT_TRUE(etags.insert(asset.etag).second) << "duplicate ETag " << asset.etag;
  }
}

TEST(EmbeddedAssetsTest, GzipInflatesToTheIdentityBytesAndIsSmaller) {
  for (const http::StaticAsset& asset : EmbeddedAssets()) {
    if (asset.gzip.empty()) continue;  // compression did not pay: identity is served
    std::string inflated;
    ASSERT_TRUE(Gunzip(asset.gzip, inflated)) << asset.path;
    EXPECT_EQ(inflated, AsString(asset.identity)) << asset.path;
    EXPECT_LT(asset.gzip.size(), asset.identity.size()) << asset.path;
  }
}

}  // namespace
}  // namespace rapport::web
