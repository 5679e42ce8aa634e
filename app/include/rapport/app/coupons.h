// The coupons store port: codes a member presents with a purchase for extra
// points or a discount (a personal discount is a coupon bound to one contact),
// with a validity window, a limit of uses overall and per member, and the
// record of each use.
//
// Uses are counted with a conditional update (TakeCouponUse), so concurrent
// purchases never use a coupon more often than its limit. Codes are stored
// upper-case (the app normalises them) and are unique.
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
#include "rapport/base/points.h"
#include "rapport/base/status.h"

namespace rapport::app {

enum class CouponKind : std::uint8_t {
  kPoints,      // bonus points credited with the purchase
  kPercentOff,  // a discount of percent_off % the till applies
  kAmountOff,   // a discount of amount_off_minor in `currency` the till applies
};
std::string_view CouponKindName(CouponKind kind);  // "points", "percent_off", "amount_off"
std::optional<CouponKind> ParseCouponKind(std::string_view name);

struct Coupon {
  std::int64_t id = 0;  // assigned by InsertCoupon
  std::string code{};   // 3..kCouponCodeBytesMax of A-Z 0-9 - _, unique
  std::string name{};   // 1..kCouponNameBytesMax bytes
  CouponKind kind = CouponKind::kPoints;
  Points points{0};                        // kPoints: > 0
  int percent_off = 0;                     // kPercentOff: 1..100
  std::int64_t amount_off_minor = 0;       // kAmountOff: > 0
  std::string currency{};                  // kAmountOff: ISO 4217; else ""
  std::optional<ContactId> contact_id{};   // a personal coupon: only this contact may use it
  std::optional<Timestamp> valid_from{};   // usable when from ≤ at (nullopt: open)
  std::optional<Timestamp> valid_until{};  // and at < until (nullopt: open)
  std::optional<std::int64_t> max_uses{};  // overall; nullopt: unlimited
  std::int64_t max_uses_per_member = 1;    // ≥ 1
  std::int64_t uses = 0;                   // kept by TakeCouponUse
  bool active = true;
  Timestamp created_at{};  // set by the store
  std::string created_by{};
  friend bool operator==(const Coupon&, const Coupon&) = default;
};

struct CouponUse {
  std::int64_t id = 0;  // assigned by InsertCouponUse
  std::int64_t coupon_id = 0;
  ContactId contact_id{};
  std::optional<PurchaseId> purchase_id{};
  std::optional<std::int64_t> transaction_id{};  // the kBonus posting of a points coupon
  Timestamp used_at{};                           // set by the store
  friend bool operator==(const CouponUse&, const CouponUse&) = default;
};

inline constexpr std::size_t kCouponCodeBytesMax = 40;
inline constexpr std::size_t kCouponNameBytesMax = 200;
inline constexpr int kCouponsPageMax = 500;

class CouponsReader {
 public:
  virtual ~CouponsReader() = default;

  virtual Result<std::optional<Coupon>> GetCoupon(std::int64_t id) = 0;
  virtual Result<std::optional<Coupon>> FindCouponByCode(std::string_view code) = 0;
  // Coupons by descending id strictly before `before`, at most `limit`
  // (1..kCouponsPageMax); only the contact's personal coupons when `contact`
  // is set; only active ones unless `include_inactive`.
  struct CouponFilter {
    std::optional<ContactId> contact{};
    bool include_inactive = false;
  };
  virtual Result<std::vector<Coupon>> ListCoupons(const CouponFilter& filter, std::optional<std::int64_t> before,
                                                  int limit) = 0;
  // How many times the contact has used the coupon.
  virtual Result<std::int64_t> CountCouponUses(std::int64_t coupon, ContactId contact) = 0;
  // The contact's coupon uses, newest first, at most `limit`.
  virtual Result<std::vector<CouponUse>> ListCouponUses(ContactId contact, int limit) = 0;
};

class CouponsWriter {
 public:
  virtual ~CouponsWriter() = default;

  // Inserts the coupon (id, uses = 0 and created_at are assigned).
  // kAlreadyExists when its code is held.
  virtual Result<std::int64_t> InsertCoupon(const Coupon& coupon) = 0;
  // Sets the coupon's active flag, valid_until and max_uses. kNotFound for an
  // unknown id.
  virtual Status UpdateCoupon(std::int64_t id, bool active, std::optional<Timestamp> valid_until,
                              std::optional<std::int64_t> max_uses) = 0;
  // Adds one use when uses < max_uses (always for unlimited): true when
  // taken, false when used up. kNotFound for an unknown coupon.
  virtual Result<bool> TakeCouponUse(std::int64_t coupon) = 0;
  virtual Result<std::int64_t> InsertCouponUse(const CouponUse& use) = 0;
};

}  // namespace rapport::app
