// Tests of duplicate scoring: each rule alone, combinations, no rule, and
// Jaro–Winkler against published values.
#include "rapport/domain/duplicates.h"

#include <gtest/gtest.h>

namespace rapport::domain {
namespace {

TEST(JaroWinklerTest, KnownValues) {
  EXPECT_NEAR(JaroWinkler("MARTHA", "MARHTA"), 0.961, 0.0005);
  EXPECT_NEAR(JaroWinkler("DWAYNE", "DUANE"), 0.840, 0.0005);
  EXPECT_NEAR(JaroWinkler("DIXON", "DICKSONX"), 0.813, 0.0005);
  EXPECT_NEAR(JaroWinkler("JELLYFISH", "SMELLYFISH"), 0.896, 0.0005);  // no common prefix: plain Jaro
}

TEST(JaroWinklerTest, EdgeCases) {
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", ""), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("ivanov ivan", "ivanov ivan"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("MARTHA", "MARHTA"), JaroWinkler("MARHTA", "MARTHA"));
}

TEST(JaroWinklerTest, CountsCodePointsNotBytes) {
  // Cyrillic letters are two bytes each; by code point this pair is marfai/mafrai.
  EXPECT_NEAR(JaroWinkler("марфаи", "мафраи"), JaroWinkler("marfai", "mafrai"), 1e-12);
  EXPECT_NEAR(JaroWinkler("елкин", "елкни"), JaroWinkler("elkin", "elkni"), 1e-12);
  // Bytewise the shared lead byte of every Cyrillic letter would look alike.
  EXPECT_DOUBLE_EQ(JaroWinkler("аб", "вг"), 0.0);
}

DuplicateView Person(std::string sort_name) {
  DuplicateView view;
  view.sort_name = std::move(sort_name);
  return view;
}

TEST(ScoreDuplicateTest, SameEmail) {
  DuplicateView a = Person("ivanov ivan");
  DuplicateView b = Person("smith john");
  a.emails = {"ivan@mail.ru", "work@corp.ru"};
  b.emails = {"other@mail.ru", "work@corp.ru"};
  const DuplicateScore score = ScoreDuplicate(a, b);
  EXPECT_EQ(score.score, 100);
  EXPECT_EQ(score.rules, std::vector<DuplicateRule>{DuplicateRule::kSameEmail});
}

TEST(ScoreDuplicateTest, SamePhone) {
  DuplicateView a = Person("ivanov ivan");
  DuplicateView b = Person("smith john");
  a.phones = {"+79161234567"};
  b.phones = {"+442079460958", "+79161234567"};
  const DuplicateScore score = ScoreDuplicate(a, b);
  EXPECT_EQ(score.score, 90);
  EXPECT_EQ(score.rules, std::vector<DuplicateRule>{DuplicateRule::kSamePhone});
}

TEST(ScoreDuplicateTest, SimilarNameSameCompanyScalesWithSimilarity) {
  DuplicateView a = Person("ivanov ivan");
  DuplicateView b = Person("ivanov ivan");
  a.company_ids = {3, 7};
  b.company_ids = {7};
  DuplicateScore identical = ScoreDuplicate(a, b);
  EXPECT_EQ(identical.score, 85);
  EXPECT_EQ(identical.rules, std::vector<DuplicateRule>{DuplicateRule::kSimilarNameSameCompany});

  b.sort_name = "ivanova ivan";  // similar, not identical
  const double similarity = JaroWinkler(a.sort_name, b.sort_name);
  ASSERT_GE(similarity, 0.92);
  ASSERT_LT(similarity, 1.0);
  const DuplicateScore similar = ScoreDuplicate(a, b);
  EXPECT_GE(similar.score, 70);
  EXPECT_LT(similar.score, 85);
  EXPECT_EQ(similar.rules, std::vector<DuplicateRule>{DuplicateRule::kSimilarNameSameCompany});

  b.company_ids = {8};  // no shared company: nothing fires
  EXPECT_EQ(ScoreDuplicate(a, b).score, 0);
}

TEST(ScoreDuplicateTest, SimilarNameSameBirthday) {
  DuplicateView a = Person("elkin petr");
  DuplicateView b = Person("elkin petr");
  a.birthday = "1990-02-01";
  b.birthday = "1990-02-01";
  const DuplicateScore score = ScoreDuplicate(a, b);
  EXPECT_EQ(score.score, 65);
  EXPECT_EQ(score.rules, std::vector<DuplicateRule>{DuplicateRule::kSimilarNameSameBirthday});

  b.birthday = "1990-02-02";
  EXPECT_EQ(ScoreDuplicate(a, b).score, 0);
  b.birthday = std::nullopt;
  EXPECT_EQ(ScoreDuplicate(a, b).score, 0);
}

TEST(ScoreDuplicateTest, EveryFiredRuleListedHighestWins) {
  DuplicateView a = Person("elkin petr");
  DuplicateView b = Person("elkin petr");
  a.emails = b.emails = {"petr@mail.ru"};
  a.phones = b.phones = {"+79161234567"};
  a.company_ids = b.company_ids = {1};
  a.birthday = b.birthday = "1990-02-01";
  const DuplicateScore score = ScoreDuplicate(a, b);
  EXPECT_EQ(score.score, 100);
  EXPECT_EQ(score.rules, (std::vector<DuplicateRule>{DuplicateRule::kSameEmail, DuplicateRule::kSamePhone,
                                                     DuplicateRule::kSimilarNameSameCompany,
                                                     DuplicateRule::kSimilarNameSameBirthday}));
}

TEST(ScoreDuplicateTest, NoRule) {
  DuplicateView a = Person("ivanov ivan");
  DuplicateView b = Person("smith john");
  a.emails = {"a@x.ru"};
  b.emails = {"b@x.ru"};
  a.phones = {"+79161234567"};
  b.phones = {"+79161234568"};
  a.company_ids = b.company_ids = {1};
  a.birthday = b.birthday = "1990-02-01";
  const DuplicateScore score = ScoreDuplicate(a, b);
  EXPECT_EQ(score.score, 0);
  EXPECT_TRUE(score.rules.empty());
}

TEST(ScoreDuplicateTest, EmptyValuesNeverMatch) {
  DuplicateView a = Person("");
  DuplicateView b = Person("");
  a.emails = b.emails = {""};
  a.phones = b.phones = {""};
  a.company_ids = b.company_ids = {1};
  a.birthday = b.birthday = "1990-02-01";
  EXPECT_EQ(ScoreDuplicate(a, b).score, 0);
}

TEST(DuplicateRuleNameTest, Names) {
  EXPECT_EQ(DuplicateRuleName(DuplicateRule::kSameEmail), "same_email");
  EXPECT_EQ(DuplicateRuleName(DuplicateRule::kSamePhone), "same_phone");
  EXPECT_EQ(DuplicateRuleName(DuplicateRule::kSimilarNameSameCompany), "similar_name_same_company");
  EXPECT_EQ(DuplicateRuleName(DuplicateRule::kSimilarNameSameBirthday), "similar_name_same_birthday");
}

}  // namespace
}  // namespace rapport::domain
