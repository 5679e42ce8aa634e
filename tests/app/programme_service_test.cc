// ProgrammeService and the programme's effects on purchases against a real
// store (SQLite, and PostgreSQL when RAPPORT_TEST_POSTGRES_URL names a test
// database): coupon field errors, generated and duplicate codes, the till's
// check, personal coupons, the overall use limit under concurrency; referral
// codes, referrals and the graph; what a merge carries; the birthday job across pages; the tier
// overview. Every test ends with a clean CheckLedger.
#include "rapport/app/programme_service.h"

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "loyalty_test_support.h"

#include "rapport/app/access_service.h"
#include "rapport/app/duplicate_service.h"
#include "rapport/app/loyalty_rules_json.h"

namespace rapport {
namespace {

app::Principal WithRole(domain::Role role) {
  app::Principal principal;
  principal.kind = app::Principal::Kind::kToken;
  principal.id = 9;
  principal.role = role;
  principal.name = "integration";
  return principal;
}

bool HasError(const std::vector<app::LoyaltyFieldError>& errors, const std::string& field) {
  for (const app::LoyaltyFieldError& error : errors) {
    if (error.field == field) return true;
  }
  return false;
}

class ProgrammeServiceTest : public ::testing::TestWithParam<loyalty_testing::Backend> {
 protected:
  void SetUp() override {
    if (!database_.Open(GetParam(), clock_)) GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set";
    loyalty_ = &database_.service();
    programme_ = std::make_unique<app::ProgrammeService>(database_.store(), clock_);
    members_ = database_.AddMembers(4, clock_.Now());
  }

  void TearDown() override {
    if (loyalty_ != nullptr) {
      Result<app::LedgerCheck> check = loyalty_->Check(admin_, std::nullopt);
      ASSERT_TRUE(check.ok()) << check.status().ToString();
      for (const std::string& problem : check->problems) ADD_FAILURE() << problem;
    }
    programme_.reset();
  }

  void SetRules(const std::string& bonuses_json) {
    std::vector<domain::RuleProblem> problems;
    Result<domain::EarningRules> rules = app::EarningRulesFromJson(bonuses_json, problems);
    ASSERT_TRUE(rules.ok() && problems.empty()) << bonuses_json;
    app::LoyaltyService::RulesOutcome saved = loyalty_->PutRules(admin_, origin_, *rules, rules_version_);
    ASSERT_TRUE(saved.status.ok()) << saved.status.ToString();
    rules_version_ = saved.rules->version;
  }

  app::LoyaltyService::PurchaseOutcome Buy(ContactId member, std::int64_t total_minor, std::string coupon = "",
                                           std::string referral = "") {
    return loyalty_->RecordPurchase(admin_, origin_,
                                    {.contact_id = member,
                                     .total_minor = total_minor,
                                     .currency = "EUR",
                                     .occurred_at = clock_.Now(),
                                     .external_id = "p-" + std::to_string(++purchases_made_),
                                     .coupon_code = std::move(coupon),
                                     .referral_code = std::move(referral)});
  }

  std::int64_t Available(ContactId member) {
    Result<app::LoyaltySummary> summary = loyalty_->Summary(admin_, member);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? summary->account.available.count() : -1;
  }

  FakeClock clock_{ParseRfc3339("2026-06-01T12:00:00Z").value()};
  loyalty_testing::LoyaltyStore database_;
  app::LoyaltyService* loyalty_ = nullptr;
  std::unique_ptr<app::ProgrammeService> programme_;
  std::vector<ContactId> members_;
  app::Principal admin_ = app::AccessService::Operator("integration");
  app::Origin origin_{};
  std::int64_t rules_version_ = 0;
  int purchases_made_ = 0;
};

TEST_P(ProgrammeServiceTest, CouponFieldErrorsNameTheirFields) {
  app::ProgrammeService::CouponOutcome bad = programme_->CreateCoupon(
      admin_, origin_,
      {.code = "no spaces", .name = "", .kind = app::CouponKind::kPercentOff, .percent_off = 120, .max_uses = 0});
  EXPECT_EQ(bad.status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasError(bad.errors, "code"));
  EXPECT_TRUE(HasError(bad.errors, "name"));
  EXPECT_TRUE(HasError(bad.errors, "percent_off"));
  EXPECT_TRUE(HasError(bad.errors, "max_uses"));

  app::ProgrammeService::CouponOutcome amount = programme_->CreateCoupon(
      admin_, origin_, {.name = "Ten off", .kind = app::CouponKind::kAmountOff, .amount_off_minor = 1000});
  EXPECT_TRUE(HasError(amount.errors, "currency"));

  app::ProgrammeService::CouponOutcome stranger = programme_->CreateCoupon(
      admin_, origin_, {.name = "Yours", .points = Points(5), .contact_id = ContactId(999'999)});
  EXPECT_EQ(stranger.status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasError(stranger.errors, "contact_id"));

  app::ProgrammeService::CouponOutcome clerk =
      programme_->CreateCoupon(WithRole(domain::Role::kAgent), origin_, {.name = "Nope", .points = Points(5)});
  EXPECT_EQ(clerk.status.code(), StatusCode::kPermissionDenied);
}

TEST_P(ProgrammeServiceTest, CodesAreGeneratedNormalisedAndUnique) {
  app::ProgrammeService::CouponOutcome generated =
      programme_->CreateCoupon(admin_, origin_, {.name = "Spring", .points = Points(10)});
  ASSERT_TRUE(generated.status.ok()) << generated.status.ToString();
  EXPECT_EQ(generated.coupon->code.size(), app::kGeneratedCodeLength);
  for (char c : generated.coupon->code) {
    EXPECT_EQ(std::string("01ILO").find(c), std::string::npos) << generated.coupon->code;
  }

  app::ProgrammeService::CouponOutcome named =
      programme_->CreateCoupon(admin_, origin_, {.code = "  summer-26 ", .name = "Summer", .points = Points(10)});
  ASSERT_TRUE(named.status.ok()) << named.status.ToString();
  EXPECT_EQ(named.coupon->code, "SUMMER-26");

  app::ProgrammeService::CouponOutcome again =
      programme_->CreateCoupon(admin_, origin_, {.code = "Summer-26", .name = "Again", .points = Points(10)});
  EXPECT_EQ(again.status.code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(HasError(again.errors, "code"));
}

TEST_P(ProgrammeServiceTest, TheTillCheckSaysWhyACouponCannotBeUsed) {
  const ContactId owner = members_[0];
  const ContactId other = members_[1];
  app::ProgrammeService::CouponOutcome personal =
      programme_->CreateCoupon(admin_, origin_,
                               {.code = "VIP-ANNA",
                                .name = "Personal 15%",
                                .kind = app::CouponKind::kPercentOff,
                                .percent_off = 15,
                                .contact_id = owner,
                                .valid_until = ParseRfc3339("2026-07-01T00:00:00Z").value(),
                                .max_uses_per_member = 2});
  ASSERT_TRUE(personal.status.ok()) << personal.status.ToString();

  Result<app::CouponCheck> mine = programme_->CheckCoupon(admin_, "vip-anna", owner, "EUR", std::nullopt);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  EXPECT_TRUE(mine->usable) << mine->problem;

  Result<app::CouponCheck> theirs = programme_->CheckCoupon(admin_, "VIP-ANNA", other, "EUR", std::nullopt);
  ASSERT_TRUE(theirs.ok());
  EXPECT_FALSE(theirs->usable);
  EXPECT_NE(theirs->problem.find("another member"), std::string::npos) << theirs->problem;

  Result<app::CouponCheck> late =
      programme_->CheckCoupon(admin_, "VIP-ANNA", owner, "EUR", ParseRfc3339("2026-07-01T00:00:00Z").value());
  ASSERT_TRUE(late.ok());
  EXPECT_NE(late->problem.find("expired on 2026-07-01"), std::string::npos) << late->problem;

  Result<app::CouponCheck> unknown = programme_->CheckCoupon(admin_, "NOPE", owner, "EUR", std::nullopt);
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->coupon);
  EXPECT_FALSE(unknown->usable);

  // A percent-off coupon gives no points, but each use is counted.
  ASSERT_TRUE(Buy(owner, 5000, "vip-anna").status.ok());
  ASSERT_TRUE(Buy(owner, 5000, "VIP-ANNA").status.ok());
  app::LoyaltyService::PurchaseOutcome third = Buy(owner, 5000, "VIP-ANNA");
  EXPECT_EQ(third.status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasError(third.errors, "coupon_code"));
  EXPECT_EQ(Available(owner), 100);  // two purchases of 50.00 EUR, no third

  app::ProgrammeService::CouponOutcome off =
      programme_->UpdateCoupon(admin_, origin_, personal.coupon->id, false, std::nullopt, std::nullopt);
  ASSERT_TRUE(off.status.ok()) << off.status.ToString();
  EXPECT_FALSE(off.coupon->active);
  EXPECT_EQ(off.coupon->uses, 2);
  EXPECT_EQ(programme_->UpdateCoupon(admin_, origin_, 999'999, true, std::nullopt, std::nullopt).status.code(),
            StatusCode::kNotFound);
  app::ProgrammeService::CouponOutcome below =
      programme_->UpdateCoupon(admin_, origin_, personal.coupon->id, true, std::nullopt, 1);
  EXPECT_TRUE(HasError(below.errors, "max_uses"));
}

TEST_P(ProgrammeServiceTest, AnOverallLimitIsNeverExceededUnderConcurrency) {
  app::ProgrammeService::CouponOutcome coupon = programme_->CreateCoupon(
      admin_, origin_, {.code = "FIRST5", .name = "First five", .points = Points(7), .max_uses = 5});
  ASSERT_TRUE(coupon.status.ok()) << coupon.status.ToString();
  const std::vector<ContactId> buyers = database_.AddMembers(20, clock_.Now());
  std::atomic<int> accepted = 0;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < buyers.size(); ++i) {
    threads.emplace_back([&, i] {
      app::LoyaltyService::PurchaseOutcome outcome =
          loyalty_->RecordPurchase(admin_, origin_,
                                   {.contact_id = buyers[i],
                                    .total_minor = 1000,
                                    .currency = "EUR",
                                    .occurred_at = clock_.Now(),
                                    .external_id = "race-" + std::to_string(i),
                                    .coupon_code = "FIRST5"});
      if (outcome.status.ok()) {
        ++accepted;
      } else if (HasError(outcome.errors, "coupon_code")) {
        ++refused;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 5);
  EXPECT_EQ(refused.load(), 15);
  Result<std::optional<app::Coupon>> after = programme_->GetCoupon(admin_, coupon.coupon->id);
  ASSERT_TRUE(after.ok() && *after);
  EXPECT_EQ((*after)->uses, 5);
}

TEST_P(ProgrammeServiceTest, ReferralCodesAreStableAndTheGraphShowsWhoBroughtWhom) {
  SetRules(R"({"bonuses": {"referral_referrer": 200, "referral_referred": 100}})");
  const ContactId anna = members_[0];
  const ContactId boris = members_[1];
  const ContactId vera = members_[2];
  Result<std::string> code = programme_->ReferralCode(admin_, origin_, anna);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  Result<std::string> same = programme_->ReferralCode(admin_, origin_, anna);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*code, *same);

  EXPECT_EQ(programme_->Refer(admin_, origin_, anna, *code).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(programme_->Refer(admin_, origin_, boris, "UNKNOWN").status().code(), StatusCode::kInvalidArgument);
  Result<app::Referral> referral = programme_->Refer(admin_, origin_, boris, *code);
  ASSERT_TRUE(referral.ok()) << referral.status().ToString();
  Result<app::Referral> replay = programme_->Refer(admin_, origin_, boris, *code);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->id, referral->id);

  // Vera already bought: too late to be referred.
  ASSERT_TRUE(Buy(vera, 1000).status.ok());
  EXPECT_EQ(programme_->Refer(admin_, origin_, vera, *code).status().code(), StatusCode::kFailedPrecondition);

  app::LoyaltyService::PurchaseOutcome first = Buy(boris, 1000);
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.recorded->bonuses.size(), 2u);
  EXPECT_EQ(Available(anna), 200);
  EXPECT_EQ(Available(boris), 110);

  Result<app::ReferralGraph> graph = programme_->Graph(admin_, anna, std::nullopt, 10);
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  EXPECT_EQ(graph->code, *code);
  EXPECT_FALSE(graph->referred_by);
  ASSERT_EQ(graph->referrals.size(), 1u);
  EXPECT_EQ(graph->referrals[0].referred_id, boris);
  EXPECT_EQ(graph->referrals[0].state, app::ReferralState::kRewarded);
  EXPECT_EQ(graph->rewarded, 1);
  Result<app::ReferralGraph> theirs = programme_->Graph(admin_, boris, std::nullopt, 10);
  ASSERT_TRUE(theirs.ok());
  ASSERT_TRUE(theirs->referred_by);
  EXPECT_EQ(theirs->referred_by->referrer_id, anna);
}

// Two cards of one person merge: the survivor takes the merged card's
// personal coupon, its referral code (having none), the members it brought
// and the higher tier their purchases together earn; undo gives the rows
// back. A code the merged card keeps (its survivor had its own) brings
// members to the survivor.
TEST_P(ProgrammeServiceTest, AMergeCarriesCouponsReferralsAndTier) {
  SetRules(R"({"tiers": {"tiers": [{"key": "silver", "name": "Silver", "min_spend_minor": 10000},
                                   {"key": "gold", "name": "Gold", "min_spend_minor": 50000}], "currency": "EUR"},
               "bonuses": {"referral_referrer": 200, "referral_referred": 100}})");
  const ContactId anna = members_[0];
  const ContactId anna_twin = members_[1];
  const ContactId boris = members_[2];
  ASSERT_TRUE(Buy(anna, 30000).status.ok());
  ASSERT_TRUE(Buy(anna_twin, 30000).status.ok());
  Result<std::string> code = programme_->ReferralCode(admin_, origin_, anna_twin);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  ASSERT_TRUE(programme_->Refer(admin_, origin_, boris, *code).ok());
  app::ProgrammeService::CouponOutcome personal = programme_->CreateCoupon(
      admin_, origin_, {.code = "TWIN-10", .name = "Personal", .points = Points(10), .contact_id = anna_twin});
  ASSERT_TRUE(personal.status.ok()) << personal.status.ToString();

  app::DuplicateService duplicates(database_.store(), clock_);
  Result<app::MergeResult> merged = duplicates.Merge(admin_, origin_, {.survivor = anna, .other = anna_twin});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  Result<app::LoyaltySummary> summary = loyalty_->Summary(admin_, anna);
  ASSERT_TRUE(summary.ok() && summary->tier && summary->tier->current) << summary.status().ToString();
  EXPECT_EQ(summary->tier->current->key, "gold");  // 300.00 + 300.00 EUR together
  Result<app::CouponCheck> coupon = programme_->CheckCoupon(admin_, "TWIN-10", anna, "EUR", std::nullopt);
  ASSERT_TRUE(coupon.ok());
  EXPECT_TRUE(coupon->usable) << coupon->problem;
  Result<app::ReferralGraph> graph = programme_->Graph(admin_, anna, std::nullopt, 10);
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  EXPECT_EQ(graph->code, *code);
  ASSERT_EQ(graph->referrals.size(), 1u);
  EXPECT_EQ(graph->referrals[0].referred_id, boris);
  ASSERT_TRUE(Buy(boris, 1000).status.ok());  // the referral is rewarded to the survivor
  EXPECT_EQ(Available(anna), 600 + 200);

  Result<app::MergeResult> undone = duplicates.Undo(admin_, origin_, merged->merge.id);
  ASSERT_TRUE(undone.ok()) << undone.status().ToString();
  Result<app::CouponCheck> after = programme_->CheckCoupon(admin_, "TWIN-10", anna, "EUR", std::nullopt);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->usable);
  Result<app::ReferralGraph> twin = programme_->Graph(admin_, anna_twin, std::nullopt, 10);
  ASSERT_TRUE(twin.ok());
  EXPECT_EQ(twin->code, *code);
  ASSERT_EQ(twin->referrals.size(), 1u);
  EXPECT_EQ(twin->referrals[0].state, app::ReferralState::kRewarded);
  Result<app::ReferralGraph> survivor = programme_->Graph(admin_, anna, std::nullopt, 10);
  ASSERT_TRUE(survivor.ok());
  EXPECT_FALSE(survivor->code);
  EXPECT_TRUE(survivor->referrals.empty());

  // Vera keeps her own code; her twin's still brings members, to her.
  const ContactId vera = members_[3];
  const std::vector<ContactId> more = database_.AddMembers(2, clock_.Now());
  const ContactId vera_twin = more[0];
  const ContactId gleb = more[1];
  Result<std::string> vera_code = programme_->ReferralCode(admin_, origin_, vera);
  Result<std::string> twin_code = programme_->ReferralCode(admin_, origin_, vera_twin);
  ASSERT_TRUE(vera_code.ok() && twin_code.ok());
  ASSERT_TRUE(duplicates.Merge(admin_, origin_, {.survivor = vera, .other = vera_twin}).ok());
  app::LoyaltyService::PurchaseOutcome referred = Buy(gleb, 1000, "", *twin_code);
  ASSERT_TRUE(referred.status.ok()) << referred.status.ToString();
  EXPECT_EQ(Available(vera), 200);
  Result<app::ReferralGraph> veras = programme_->Graph(admin_, vera, std::nullopt, 10);
  ASSERT_TRUE(veras.ok());
  EXPECT_EQ(veras->code, *vera_code);
  ASSERT_EQ(veras->referrals.size(), 1u);
  EXPECT_EQ(veras->referrals[0].referred_id, gleb);
}

TEST_P(ProgrammeServiceTest, TheBirthdayJobPaysEveryoneOnceAcrossRuns) {
  SetRules(R"({"bonuses": {"birthday": 25}})");
  const std::vector<ContactId> born_today = database_.AddMembers(7, clock_.Now(), "1990-06-01");
  const std::vector<ContactId> born_tomorrow = database_.AddMembers(2, clock_.Now(), "1990-06-02");
  std::int64_t paid = 0;
  for (int run = 0; run < 5; ++run) {
    Result<app::ProgrammeJobRun> step = programme_->PayBirthdayBonuses(3);
    ASSERT_TRUE(step.ok()) << step.status().ToString();
    paid += step->members;
    if (!step->more) break;
  }
  EXPECT_EQ(paid, 7);
  for (ContactId member : born_today) EXPECT_EQ(Available(member), 25);
  for (ContactId member : born_tomorrow) EXPECT_EQ(Available(member), 0);
  Result<app::ProgrammeJobRun> again = programme_->PayBirthdayBonuses(100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->members, 0);
}

TEST_P(ProgrammeServiceTest, TheTierOverviewCountsMembers) {
  SetRules(R"({"tiers": {"tiers": [{"key": "silver", "name": "Silver", "min_spend_minor": 10000},
                                   {"key": "gold", "name": "Gold", "min_spend_minor": 50000, "discount_percent": 5,
                                    "sla_class": "priority"}], "currency": "EUR"}})");
  ASSERT_TRUE(Buy(members_[0], 20000).status.ok());
  app::LoyaltyService::PurchaseOutcome gold = Buy(members_[1], 60000);
  ASSERT_TRUE(gold.status.ok()) << gold.status.ToString();
  ASSERT_TRUE(gold.recorded->tier);
  EXPECT_EQ(gold.recorded->tier->to, "gold");
  ASSERT_TRUE(Buy(members_[2], 50).status.ok());
  Result<app::TierOverview> overview = programme_->Tiers(admin_);
  ASSERT_TRUE(overview.ok()) << overview.status().ToString();
  ASSERT_EQ(overview->programme.tiers.size(), 2u);
  const std::vector<app::TiersReader::TierCount> expected = {{"gold", 1}, {"silver", 1}};
  EXPECT_EQ(overview->members, expected);

  Result<app::LoyaltySummary> summary = loyalty_->Summary(admin_, members_[0]);
  ASSERT_TRUE(summary.ok() && summary->tier);
  ASSERT_TRUE(summary->tier->current && summary->tier->next);
  EXPECT_EQ(summary->tier->current->key, "silver");
  EXPECT_EQ(summary->tier->next->key, "gold");
  EXPECT_EQ(summary->tier->progress.spend_to_next_minor, 30000);
  EXPECT_EQ(summary->tier->progress.spend_to_keep_minor, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ProgrammeServiceTest,
                         ::testing::Values(loyalty_testing::Backend::kSqlite, loyalty_testing::Backend::kPostgres),
                         [](const ::testing::TestParamInfo<loyalty_testing::Backend>& param_info) {
                           return store::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport
