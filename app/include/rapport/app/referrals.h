// The referrals store port: each member's referral code, and who brought
// whom. A referral is made once per referred contact (the first code they
// present); it is rewarded at most once, by the referred member's first
// qualifying purchase before the deadline (the rules are in
// domain/loyalty_programme.h, the bonuses in the ledger).
//
// Thread safety: used only inside Store::Read / Store::Write bodies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/status.h"

namespace rapport::app {

enum class ReferralState : std::uint8_t { kPending, kRewarded };
std::string_view ReferralStateName(ReferralState state);  // "pending", "rewarded"
std::optional<ReferralState> ParseReferralState(std::string_view name);

struct Referral {
  std::int64_t id = 0;  // assigned by InsertReferral
  ContactId referrer_id{};
  ContactId referred_id{};  // unique: a contact is referred once
  std::string code{};       // the code presented
  Timestamp referred_at{};
  ReferralState state = ReferralState::kPending;
  std::optional<PurchaseId> purchase_id{};  // the purchase that earned the reward
  std::optional<Timestamp> rewarded_at{};
  std::string actor{};
  friend bool operator==(const Referral&, const Referral&) = default;
};

inline constexpr std::size_t kReferralCodeBytesMax = 32;
inline constexpr int kReferralsPageMax = 500;

class ReferralsReader {
 public:
  virtual ~ReferralsReader() = default;

  virtual Result<std::optional<std::string>> GetReferralCode(ContactId contact) = 0;
  virtual Result<std::optional<ContactId>> FindReferrerByCode(std::string_view code) = 0;
  // The referral that brought the contact, if any.
  virtual Result<std::optional<Referral>> GetReferralOf(ContactId referred) = 0;
  // The referrals the contact made, newest first (by id) strictly before
  // `before`, at most `limit` (1..kReferralsPageMax).
  virtual Result<std::vector<Referral>> ListReferralsBy(ContactId referrer, std::optional<std::int64_t> before,
                                                        int limit) = 0;
  virtual Result<std::int64_t> CountRewardedReferrals(ContactId referrer) = 0;
};

class ReferralsWriter {
 public:
  virtual ~ReferralsWriter() = default;

  // Gives the contact its code. kAlreadyExists when the code is held by
  // anyone or the contact already has one.
  virtual Status PutReferralCode(ContactId contact, std::string_view code, Timestamp at) = 0;
  // kAlreadyExists when the referred contact was already referred.
  virtual Result<std::int64_t> InsertReferral(const Referral& referral) = 0;
  // pending → rewarded. kNotFound for an unknown id, kFailedPrecondition when
  // it is not pending.
  virtual Status MarkReferralRewarded(std::int64_t id, PurchaseId purchase, Timestamp at) = 0;
};

}  // namespace rapport::app
