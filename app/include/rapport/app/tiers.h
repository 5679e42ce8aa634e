// The tiers and bonuses store port: each member's place in the programme's
// tiers (domain/loyalty_programme.h), what a member did within a window (for
// qualification), the reviews that are due, the bonuses already paid (each
// once per member and key) and the members whose birthday it is.
//
// The points of a bonus live only in the ledger (a kBonus posting,
// app/loyalty.h); a BonusAward names that posting and makes the bonus
// idempotent: its (contact, key) is unique, so a job or a retried purchase
// never pays the same bonus twice.
//
// Thread safety: used only inside Store::Read / Store::Write bodies.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/status.h"
#include "rapport/domain/loyalty_programme.h"

namespace rapport::app {

struct MemberTier {
  ContactId contact_id{};
  domain::TierStatus status{};
  Timestamp updated_at{};  // set by the store
  friend bool operator==(const MemberTier&, const MemberTier&) = default;
};

// A bonus paid to a member. Keys: "welcome", "birthday:2027",
// "referral:<referral id>", "coupon:<coupon use id>" (1..kBonusKeyBytesMax).
struct BonusAward {
  ContactId contact_id{};
  std::string key{};
  std::int64_t transaction_id = 0;  // the kBonus posting
  Timestamp awarded_at{};           // set by the store
  friend bool operator==(const BonusAward&, const BonusAward&) = default;
};

inline constexpr std::size_t kBonusKeyBytesMax = 100;
inline constexpr int kTiersPageMax = 1'000;

class TiersReader {
 public:
  virtual ~TiersReader() = default;

  // nullopt: the member has never had a tier status written.
  virtual Result<std::optional<MemberTier>> GetMemberTier(ContactId contact) = 0;
  // Members with a tier whose review is due: grace_until when set, else
  // review_at, ≤ now; oldest due first (then contact id); at most `limit`
  // (1..kTiersPageMax).
  virtual Result<std::vector<MemberTier>> DueTierReviews(Timestamp now, int limit) = 0;
  // The contact's purchases with from ≤ occurred_at < to: spend_minor sums
  // total_minor − refunded_minor over those in `currency`; purchases counts
  // those (any currency) with refunded_minor < total_minor.
  virtual Result<domain::TierQualifier> Qualifier(ContactId contact, std::string_view currency, Timestamp from,
                                                  Timestamp to) = 0;
  // How many members hold each tier key (for the programme page), keys
  // ascending; members without a tier are not counted.
  struct TierCount {
    std::string tier_key{};
    std::int64_t members = 0;
    friend bool operator==(const TierCount&, const TierCount&) = default;
  };
  virtual Result<std::vector<TierCount>> CountMembersByTier() = 0;

  virtual Result<std::optional<BonusAward>> GetBonusAward(ContactId contact, std::string_view key) = 0;
  // Live contacts (not deleted, not merged) whose birthday ("YYYY-MM-DD")
  // falls on one of `month_days` ("MM-DD"), by ascending id strictly after
  // `after`, at most `limit` (1..kTiersPageMax). Served by an index on the
  // birthday's month and day.
  virtual Result<std::vector<ContactId>> BirthdayMembers(std::span<const std::string> month_days,
                                                         std::optional<ContactId> after, int limit) = 0;
};

class TiersWriter {
 public:
  virtual ~TiersWriter() = default;

  // Inserts or replaces the member's status (updated_at becomes now).
  virtual Status PutMemberTier(ContactId contact, const domain::TierStatus& status) = 0;
  // kAlreadyExists when (contact, key) was already awarded.
  virtual Status InsertBonusAward(const BonusAward& award) = 0;
};

}  // namespace rapport::app
