// SqlCoupons: coupons and their uses over a SqlSession (app/coupons.h),
// written once for both databases.
//
// Invariants it keeps within the caller's transaction:
//  * a coupon's uses never exceed max_uses: TakeCouponUse is one conditional
//    UPDATE, so concurrent purchases cannot both take the last use;
//  * codes are unique (kAlreadyExists).
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/coupons.h"

namespace rapport::store {

class SqlCoupons final : public app::CouponsReader, public app::CouponsWriter {
 public:
  // `now` is the transaction's clock reading: created_at / used_at of rows written.
  SqlCoupons(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  // CouponsReader
  Result<std::optional<app::Coupon>> GetCoupon(std::int64_t id) override;
  Result<std::optional<app::Coupon>> FindCouponByCode(std::string_view code) override;
  Result<std::vector<app::Coupon>> ListCoupons(const CouponFilter& filter, std::optional<std::int64_t> before,
                                               int limit) override;
  Result<std::int64_t> CountCouponUses(std::int64_t coupon, ContactId contact) override;
  Result<std::vector<app::CouponUse>> ListCouponUses(ContactId contact, int limit) override;

  // CouponsWriter
  Result<std::int64_t> InsertCoupon(const app::Coupon& coupon) override;
  Status UpdateCoupon(std::int64_t id, bool active, std::optional<Timestamp> valid_until,
                      std::optional<std::int64_t> max_uses) override;
  Result<bool> TakeCouponUse(std::int64_t coupon) override;
  Result<std::int64_t> InsertCouponUse(const app::CouponUse& use) override;

 private:
  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store
