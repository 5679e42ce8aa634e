#include "rapport/app/passwords.h"

#include <sodium.h>

#include <cctype>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace rapport::app {
namespace {

// The cheapest argon2id cost libsodium accepts, so the tests stay fast.
PasswordHashOptions FastOptions() {
  return PasswordHashOptions{.ops_limit = crypto_pwhash_OPSLIMIT_MIN, .mem_limit_bytes = crypto_pwhash_MEMLIMIT_MIN};
}

TEST(PasswordCheckTest, MinimumIsTwelveCodePoints) {
  EXPECT_EQ(CheckPassword("abcdefghijk"), PasswordCheck::kWeakPassword);  // 11
  EXPECT_EQ(CheckPassword("abcdefghijkl"), PasswordCheck::kAccepted);     // 12
  EXPECT_EQ(CheckPassword(""), PasswordCheck::kWeakPassword);
}

TEST(PasswordCheckTest, CountsCodePointsNotBytes) {
  // 11 × "é" (2 bytes each) is 22 bytes but only 11 code points.
  std::string eleven_accents;
  for (int i = 0; i < 11; ++i) eleven_accents += "\xC3\xA9";
  EXPECT_EQ(CheckPassword(eleven_accents), PasswordCheck::kWeakPassword);
  EXPECT_EQ(CheckPassword(eleven_accents + "\xF0\x9F\x94\x91"), PasswordCheck::kAccepted);  // + U+1F511
}

TEST(PasswordCheckTest, NoCompositionRules) {
  EXPECT_EQ(CheckPassword("correct horse battery staple"), PasswordCheck::kAccepted);
  EXPECT_EQ(CheckPassword("aaaaaaaaaaaa"), PasswordCheck::kAccepted);
}

TEST(PasswordCheckTest, MaximumIsBytes) {
  EXPECT_EQ(CheckPassword(std::string(kPasswordBytesMax, 'x')), PasswordCheck::kAccepted);
  EXPECT_EQ(CheckPassword(std::string(kPasswordBytesMax + 1, 'x')), PasswordCheck::kPasswordTooLong);
}

TEST(PasswordCheckTest, RejectsMalformedUtf8) {
  const std::string padding = "abcdefghijkl";
  EXPECT_EQ(CheckPassword(padding + "\x80"), PasswordCheck::kInvalidUtf8);              // stray continuation
  EXPECT_EQ(CheckPassword(padding + "\xC3"), PasswordCheck::kInvalidUtf8);              // truncated
  EXPECT_EQ(CheckPassword(padding + "\xC0\xAF"), PasswordCheck::kInvalidUtf8);          // overlong "/"
  EXPECT_EQ(CheckPassword(padding + "\xED\xA0\x80"), PasswordCheck::kInvalidUtf8);      // surrogate U+D800
  EXPECT_EQ(CheckPassword(padding + "\xF4\x90\x80\x80"), PasswordCheck::kInvalidUtf8);  // above U+10FFFF
  EXPECT_EQ(CheckPassword(padding + "\xFF"), PasswordCheck::kInvalidUtf8);
  EXPECT_EQ(CheckPassword(padding + "\xF4\x8F\xBF\xBF"), PasswordCheck::kAccepted);  // U+10FFFF itself
}

TEST(PasswordHashTest, HashIsArgon2idAndVerifies) {
  const std::string password = "correct horse battery staple";
  Result<std::string> encoded = HashPassword(password, FastOptions());
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  EXPECT_TRUE(encoded->starts_with("$argon2id$")) << *encoded;
  EXPECT_EQ(VerifyPassword(password, *encoded, FastOptions()).value(), PasswordVerdict::kMatch);
  EXPECT_EQ(VerifyPassword("correct horse battery stapler", *encoded, FastOptions()).value(),
            PasswordVerdict::kMismatch);
}

TEST(PasswordHashTest, SaltMakesEachHashDifferent) {
  const std::string password = "correct horse battery staple";
  EXPECT_NE(HashPassword(password, FastOptions()).value(), HashPassword(password, FastOptions()).value());
}

TEST(PasswordHashTest, ChangedParametersAskForRehash) {
  const std::string password = "correct horse battery staple";
  const std::string encoded = HashPassword(password, FastOptions()).value();
  PasswordHashOptions stronger = FastOptions();
  stronger.ops_limit += 1;
  EXPECT_EQ(VerifyPassword(password, encoded, stronger).value(), PasswordVerdict::kMatchNeedsRehash);
  // A wrong password never reports a rehash, whatever the parameters.
  EXPECT_EQ(VerifyPassword("wrong password here", encoded, stronger).value(), PasswordVerdict::kMismatch);
}

TEST(PasswordHashTest, OverlongPasswordIsMismatchWithoutHashing) {
  const std::string encoded = HashPassword("correct horse battery staple", FastOptions()).value();
  EXPECT_EQ(VerifyPassword(std::string(kPasswordBytesMax + 1, 'x'), encoded, FastOptions()).value(),
            PasswordVerdict::kMismatch);
}

TEST(PasswordHashTest, StoredValueThatIsNotArgon2idIsDataLoss) {
  for (std::string_view stored : {"", "plaintext-password", "$2b$12$abcdefghijklmnopqrstuv", "$argon2i$v=19$m=8"}) {
    Result<PasswordVerdict> verdict = VerifyPassword("correct horse battery staple", stored, FastOptions());
    ASSERT_FALSE(verdict.ok()) << stored;
    EXPECT_EQ(verdict.status().code(), StatusCode::kDataLoss) << stored;
  }
}

TEST(PasswordHashTest, DefaultsAreLibsodiumInteractiveArgon2id) {
  EXPECT_EQ(PasswordHashOptions{}.ops_limit, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(PasswordHashOptions{}.mem_limit_bytes, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
}

TEST(TokenTest, NewTokenHasPrefixAndUrlSafeBody) {
  const std::string token = NewToken();
  ASSERT_TRUE(token.starts_with(kTokenPrefix)) << token;
  const std::string_view body = std::string_view(token).substr(kTokenPrefix.size());
  EXPECT_EQ(body.size(), 43u);  // 32 bytes in base64 without padding
  for (char c : body) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
  }
}

TEST(TokenTest, NewTokensDiffer) {
  std::set<std::string> tokens;
  for (int i = 0; i < 100; ++i) tokens.insert(NewToken());
  EXPECT_EQ(tokens.size(), 100u);
}

TEST(TokenTest, DigestIsSha256Hex) {
  // Known answer: SHA-256("abc").
  EXPECT_EQ(TokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenDigest("").size(), 64u);
  EXPECT_NE(TokenDigest("rpt_a"), TokenDigest("rpt_b"));
}

TEST(TokenTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("digest", "digest"));
  EXPECT_FALSE(ConstantTimeEquals("digest", "digesT"));
  EXPECT_FALSE(ConstantTimeEquals("digest", "digest2"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

}  // namespace
}  // namespace rapport::app
