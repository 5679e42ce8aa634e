// Ledger scenarios: each file in loyalty_scenarios/ is a member's statement
// of account written as the steps that make it, with the balances expected
// after each one. The runner plays a file against LoyaltyService on a fresh
// store — SQLite, and PostgreSQL when RAPPORT_TEST_POSTGRES_URL names a test
// database — with a fake clock, and checks every ledger invariant
// (LoyaltyService::Check) after every step.
//
// The format, one step per line ('#' starts a comment):
//
//   title <what the scenario shows>
//   at <RFC 3339>                      the clock from now on
//   rules <JSON>                       programme rules (app/loyalty_rules_json.h)
//   purchase <name> <amount> <CUR> [channel=c] [category=c] [sku=s] [at=<RFC 3339>]
//   refund <name> <amount> [at=<RFC 3339>]
//   adjust <+N|-N> <reason>
//   release                            the job that makes pending points available
//   expire                             the job that expires points
//   balance                            nothing happens; only the expectations
//   reward <name> <points> [stock=N]   a catalogue reward priced <points> (app/reward_service.h)
//   redeem <reward> [quantity=N]       the member redeems it (oldest lots first)
//   cancel <reward>                    cancels the reward's latest active redemption
//   member [birthday=YYYY-MM-DD]       a new contact is the member from now on
//   friend <name>                      another contact, given a referral code
//   coupon <CODE> points=N [per_member=N] [max=N] [percent=N]   a coupon (points or percent off)
//   review                             the job that reviews tiers at period end
//   birthdays                          the job that pays birthday bonuses
// A purchase may name coupon=<CODE> and referral=<friend>.
//
// followed by `=>` and what must hold after the step: `points=N` (earned by
// a purchase, taken back by a refund, moved by a job, debited by a
// redemption, credited back by a cancel), `written_off=N`, `redeemed=N`,
// `available=N`, `pending=N`, `earned=N`, `expired=N`, `bonus=N` (the bonus
// points a purchase brought the member), `members=N` (reviewed or paid by a
// job), `friend_available=N` (the last friend's balance), `tier=<key|none>`
// and `grace=<yes|no>` (the member's tier now), or
// `refused <status code name> "<words of the message>"` for a step that must
// fail and change nothing.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "loyalty_test_support.h"

#include "rapport/app/access_service.h"
#include "rapport/app/loyalty_rules_json.h"
#include "rapport/app/programme_service.h"
#include "rapport/app/reward_service.h"

namespace rapport {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(RAPPORT_LOYALTY_SCENARIOS_DIR)) {
    if (entry.path().extension() == ".ledger") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream stream(text);
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

std::string Trim(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "12.50" with 2 minor digits → 1250.
std::int64_t ParseAmount(const std::string& text, int digits) {
  const std::size_t dot = text.find('.');
  std::string whole = text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  EXPECT_LE(fraction.size(), static_cast<std::size_t>(digits)) << text;
  fraction.resize(static_cast<std::size_t>(digits), '0');
  return std::stoll(whole + fraction);
}

std::string CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kFailedPrecondition: return "failed_precondition";
    case StatusCode::kPermissionDenied: return "permission_denied";
    default: return "other";
  }
}

struct StepResult {
  Status status{};
  std::map<std::string, std::int64_t> values{};  // points, written_off, ...
};

class LoyaltyScenario : public ::testing::TestWithParam<std::tuple<loyalty_testing::Backend, std::string>> {
 protected:
  void SetUp() override {
    if (!database_.Open(std::get<0>(GetParam()), clock_)) GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set";
    service_ = &database_.service();
    rewards_ = std::make_unique<app::RewardService>(database_.store(), clock_);
    programme_ = std::make_unique<app::ProgrammeService>(database_.store(), clock_);
    member_ = database_.AddMembers(1, clock_.Now()).front();
  }

  void TearDown() override {
    rewards_.reset();
    programme_.reset();
  }

  // Options after the positional words: key=value.
  static std::map<std::string, std::string> Options(const std::vector<std::string>& words, std::size_t from) {
    std::map<std::string, std::string> options;
    for (std::size_t i = from; i < words.size(); ++i) {
      const std::size_t equals = words[i].find('=');
      if (equals == std::string::npos) {
        ADD_FAILURE() << "expected key=value, got " << words[i];
        continue;
      }
      options[words[i].substr(0, equals)] = words[i].substr(equals + 1);
    }
    return options;
  }

  StepResult Run(const std::string& step) {
    StepResult result;
    const std::vector<std::string> words = Words(step);
    const std::string& verb = words.at(0);
    if (verb == "at") {
      clock_.Set(ParseRfc3339(words.at(1)).value());
    } else if (verb == "rules") {
      std::vector<domain::RuleProblem> problems;
      Result<domain::EarningRules> rules = app::EarningRulesFromJson(Trim(step.substr(5)), problems);
      EXPECT_TRUE(rules.ok() && problems.empty()) << step;
      if (!rules.ok()) return {rules.status(), {}};
      app::LoyaltyService::RulesOutcome saved = service_->PutRules(admin_, origin_, *rules, rules_version_);
      for (const domain::RuleProblem& problem : saved.problems)
        ADD_FAILURE() << problem.field << ": " << problem.reason;
      if (saved.rules) rules_version_ = saved.rules->version;
      result.status = saved.status;
    } else if (verb == "purchase") {
      const std::string& name = words.at(1);
      const std::string& currency = words.at(3);
      const int digits = Currency::FromCode(currency).value().minor_digits();
      const std::map<std::string, std::string> options = Options(words, 4);
      app::PurchaseRequest request{
          .contact_id = member_,
          .total_minor = ParseAmount(words.at(2), digits),
          .currency = currency,
          .channel = options.contains("channel") ? options.at("channel") : "store",
          .occurred_at = options.contains("at") ? ParseRfc3339(options.at("at")).value() : clock_.Now(),
          .external_id = "scenario-" + name,
          .coupon_code = options.contains("coupon") ? options.at("coupon") : "",
          .referral_code = options.contains("referral") ? referral_codes_[options.at("referral")] : ""};
      if (options.contains("category") || options.contains("sku")) {
        request.lines.push_back({.sku = options.contains("sku") ? options.at("sku") : "",
                                 .category = options.contains("category") ? options.at("category") : "",
                                 .quantity = 1,
                                 .unit_price_minor = request.total_minor});
      }
      app::LoyaltyService::PurchaseOutcome outcome = service_->RecordPurchase(admin_, origin_, request);
      result.status = outcome.status;
      for (const app::LoyaltyFieldError& error : outcome.errors) {
        result.status = InvalidArgument(result.status.message() + "; " + error.field + " " + error.reason);
      }
      if (outcome.recorded) {
        purchases_[name] = outcome.recorded->purchase.id;
        currencies_[name] = digits;
        result.values["points"] = outcome.recorded->purchase.points_earned.count();
        std::int64_t bonus = 0;
        for (const app::GrantedBonus& granted : outcome.recorded->bonuses) {
          if (granted.contact_id == member_) bonus += granted.points.count();
        }
        result.values["bonus"] = bonus;
      }
    } else if (verb == "refund") {
      const std::string& name = words.at(1);
      EXPECT_TRUE(purchases_.contains(name)) << "no purchase named " << name;
      const std::map<std::string, std::string> options = Options(words, 3);
      app::RefundRequest request{.amount_minor = ParseAmount(words.at(2), currencies_[name])};
      if (options.contains("at")) request.occurred_at = ParseRfc3339(options.at("at")).value();
      Result<app::RecordedRefund> refund = service_->RefundPurchase(admin_, origin_, purchases_[name], request);
      result.status = refund.status();
      if (refund.ok()) {
        result.values["points"] = refund->refund.points_reversed.count();
        result.values["written_off"] = refund->refund.points_written_off.count();
      }
    } else if (verb == "adjust") {
      const std::string reason = words.size() > 2 ? Trim(step.substr(step.find(words.at(2)))) : "";
      Result<app::LedgerTransaction> adjusted =
          service_->Adjust(admin_, origin_, member_, Points(std::stoll(words.at(1))), reason);
      result.status = adjusted.status();
    } else if (verb == "release" || verb == "expire") {
      Result<app::JobRun> run =
          verb == "release" ? service_->ReleaseDue(app::kLoyaltyPageMax) : service_->ExpireDue(app::kLoyaltyPageMax);
      result.status = run.status();
      if (run.ok()) result.values["points"] = run->points.count();
    } else if (verb == "reward") {
      const std::map<std::string, std::string> options = Options(words, 3);
      app::RewardService::RewardOutcome created = rewards_->Create(
          admin_, origin_,
          {.name = words.at(1),
           .points_price = std::stoll(words.at(2)),
           .stock = options.contains("stock") ? std::optional<std::int64_t>(std::stoll(options.at("stock")))
                                              : std::nullopt});
      result.status = created.status;
      if (created.reward) rewards_by_name_[words.at(1)] = created.reward->id;
    } else if (verb == "redeem") {
      EXPECT_TRUE(rewards_by_name_.contains(words.at(1))) << "no reward named " << words.at(1);
      const std::map<std::string, std::string> options = Options(words, 2);
      app::RewardService::RedemptionOutcome redeemed =
          rewards_->Redeem(admin_, origin_,
                           {.contact_id = member_,
                            .reward_id = rewards_by_name_[words.at(1)],
                            .quantity = options.contains("quantity") ? std::stoll(options.at("quantity")) : 1});
      result.status = redeemed.status;
      if (redeemed.view) {
        redemptions_[words.at(1)].push_back(redeemed.view->redemption.id);
        result.values["points"] = redeemed.view->redemption.points.count();
      }
    } else if (verb == "cancel") {
      std::vector<std::int64_t>& made = redemptions_[words.at(1)];
      EXPECT_FALSE(made.empty()) << "no active redemption of " << words.at(1);
      if (made.empty()) return {FailedPrecondition("no active redemption of " + words.at(1)), {}};
      app::RewardService::RedemptionOutcome cancelled = rewards_->Cancel(admin_, origin_, made.back());
      result.status = cancelled.status;
      if (cancelled.view) {
        made.pop_back();
        result.values["points"] = cancelled.view->redemption.points.count();
      }
    } else if (verb == "member") {
      const std::map<std::string, std::string> options = Options(words, 1);
      member_ = database_
                    .AddMembers(1, clock_.Now(),
                                options.contains("birthday") ? std::optional(options.at("birthday")) : std::nullopt)
                    .front();
    } else if (verb == "friend") {
      friend_ = database_.AddMembers(1, clock_.Now()).front();
      Result<std::string> code = programme_->ReferralCode(admin_, origin_, friend_);
      result.status = code.status();
      if (code.ok()) referral_codes_[words.at(1)] = *code;
    } else if (verb == "coupon") {
      const std::map<std::string, std::string> options = Options(words, 2);
      app::CouponDraft draft{.code = words.at(1), .name = words.at(1)};
      if (options.contains("percent")) {
        draft.kind = app::CouponKind::kPercentOff;
        draft.percent_off = std::stoi(options.at("percent"));
      } else {
        draft.points = Points(std::stoll(options.at("points")));
      }
      if (options.contains("per_member")) draft.max_uses_per_member = std::stoll(options.at("per_member"));
      if (options.contains("max")) draft.max_uses = std::stoll(options.at("max"));
      result.status = programme_->CreateCoupon(admin_, origin_, draft).status;
    } else if (verb == "review" || verb == "birthdays") {
      Result<app::ProgrammeJobRun> run = verb == "review" ? programme_->ReviewTiers(app::kTiersPageMax)
                                                          : programme_->PayBirthdayBonuses(app::kTiersPageMax);
      result.status = run.status();
      if (run.ok()) result.values["members"] = run->members;
    } else if (verb != "balance") {
      ADD_FAILURE() << "unknown step: " << step;
    }
    return result;
  }

  void Expect(const std::string& step, const StepResult& result, const std::string& expectations) {
    const std::vector<std::string> words = Words(expectations);
    if (!words.empty() && words.front() == "refused") {
      EXPECT_FALSE(result.status.ok()) << step << " should have been refused";
      if (words.size() > 1) {
        EXPECT_EQ(CodeName(result.status.code()), words[1]) << step << ": " << result.status.ToString();
      }
      const std::size_t quote = expectations.find('"');
      if (quote != std::string::npos) {
        const std::string text = expectations.substr(quote + 1, expectations.rfind('"') - quote - 1);
        EXPECT_NE(result.status.message().find(text), std::string::npos)
            << step << ": message \"" << result.status.message() << "\" lacks \"" << text << "\"";
      }
    } else {
      EXPECT_TRUE(result.status.ok()) << step << ": " << result.status.ToString();
    }
    Result<app::LoyaltySummary> summary = service_->Summary(admin_, member_);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    const std::map<std::string, std::int64_t> balances = {
        {"available", summary->account.available.count()},     {"pending", summary->account.pending.count()},
        {"earned", summary->account.earned_total.count()},     {"expired", summary->account.expired_total.count()},
        {"redeemed", summary->account.redeemed_total.count()},
    };
    for (const std::string& word : words) {
      const std::size_t equals = word.find('=');
      if (equals == std::string::npos) continue;
      const std::string key = word.substr(0, equals);
      const std::string value = word.substr(equals + 1);
      if (key == "tier" || key == "grace") {
        ASSERT_TRUE(summary->tier) << step << ": the programme has no tiers";
        if (key == "tier") {
          EXPECT_EQ(summary->tier->current ? summary->tier->current->key : "none", value) << step << " => tier";
        } else {
          EXPECT_EQ(summary->tier->status.grace_until ? "yes" : "no", value) << step << " => grace";
        }
        continue;
      }
      if (key == "friend_available") {
        Result<app::LoyaltySummary> other = service_->Summary(admin_, friend_);
        ASSERT_TRUE(other.ok()) << other.status().ToString();
        EXPECT_EQ(other->account.available.count(), std::stoll(value)) << step << " => " << key;
        continue;
      }
      const std::int64_t expected = std::stoll(value);
      if (balances.contains(key)) {
        EXPECT_EQ(balances.at(key), expected) << step << " => " << key;
      } else if (result.values.contains(key)) {
        EXPECT_EQ(result.values.at(key), expected) << step << " => " << key;
      } else {
        ADD_FAILURE() << step << ": nothing to compare " << key << " with";
      }
    }
    Result<app::LedgerCheck> check = service_->Check(admin_, std::nullopt);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    for (const std::string& problem : check->problems) ADD_FAILURE() << "after " << step << ": " << problem;
  }

  FakeClock clock_{ParseRfc3339("2026-01-01T00:00:00Z").value()};
  loyalty_testing::LoyaltyStore database_;
  app::LoyaltyService* service_ = nullptr;
  app::Principal admin_ = app::AccessService::Operator("scenario");
  app::Origin origin_{};
  ContactId member_{};
  std::int64_t rules_version_ = 0;
  std::map<std::string, PurchaseId> purchases_;
  std::map<std::string, int> currencies_;
  std::unique_ptr<app::RewardService> rewards_;
  std::map<std::string, std::int64_t> rewards_by_name_;
  std::map<std::string, std::vector<std::int64_t>> redemptions_;  // per reward, active ones oldest first
  std::unique_ptr<app::ProgrammeService> programme_;
  ContactId friend_{};
  std::map<std::string, std::string> referral_codes_;  // per friend
};

TEST_P(LoyaltyScenario, StatementOfAccountHolds) {
  const std::string& name = std::get<1>(GetParam());
  std::ifstream file(fs::path(RAPPORT_LOYALTY_SCENARIOS_DIR) / name);
  ASSERT_TRUE(file) << name;
  int line_number = 0;
  bool titled = false;
  for (std::string line; std::getline(file, line);) {
    ++line_number;
    const std::size_t comment = line.find('#');
    if (comment != std::string::npos) line.erase(comment);
    line = Trim(line);
    if (line.empty()) continue;
    if (line.starts_with("title ")) {
      titled = true;
      continue;
    }
    const std::size_t arrow = line.find("=>");
    const std::string step = Trim(line.substr(0, arrow));
    const std::string expectations = arrow == std::string::npos ? "" : Trim(line.substr(arrow + 2));
    SCOPED_TRACE(name + ":" + std::to_string(line_number) + ": " + line);
    const StepResult result = Run(step);
    Expect(step, result, expectations);
    if (HasFatalFailure()) return;
  }
  EXPECT_TRUE(titled) << name << " needs a title line";
}

INSTANTIATE_TEST_SUITE_P(
    Ledger, LoyaltyScenario,
    ::testing::Combine(::testing::Values(loyalty_testing::Backend::kSqlite, loyalty_testing::Backend::kPostgres),
                       ::testing::ValuesIn(ScenarioFiles())),
    [](const ::testing::TestParamInfo<LoyaltyScenario::ParamType>& param_info) {
      const std::string& file = std::get<1>(param_info.param);
      std::string name =
          store::testing::BackendName(std::get<0>(param_info.param)) + "_" + file.substr(0, file.rfind('.'));
      std::replace_if(
          name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
      return name;
    });

}  // namespace
}  // namespace rapport
