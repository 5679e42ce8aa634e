// See coupons.h. Every statement is named in store/queries/<dialect>/coupons.sql.
#include "repositories/coupons.h"

#include <limits>
#include <string>
#include <utility>

#include "sql/stored_values.h"

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kTextBytesMax = 10'000;  // created_by: the app checks tighter
constexpr std::size_t kCurrencyBytes = 3;      // ISO 4217

SqlParam OptionalInt(const std::optional<std::int64_t>& value) {
  return value ? SqlParam(*value) : SqlParam(SqlNull{});
}

SqlParam OptionalMicros(const std::optional<Timestamp>& at) {
  return at ? SqlParam(ToUnixMicros(*at)) : SqlParam(SqlNull{});
}

Status ValidateLength(std::string_view what, std::string_view text, std::size_t min, std::size_t max) {
  if (text.size() < min || text.size() > max) {
    return InvalidArgument(std::string(what) + " has " + std::to_string(text.size()) + " bytes, not " +
                           std::to_string(min) + ".." + std::to_string(max));
  }
  return {};
}

Status ValidateMaxUses(const std::optional<std::int64_t>& max_uses) {
  if (max_uses && *max_uses <= 0) return InvalidArgument("a coupon's max uses must be positive when set");
  return {};
}

// The kind-specific fields: the kind's own one in range, the others zero
// (the migration's CHECK says the same).
Status ValidateKindFields(const app::Coupon& coupon) {
  const bool points = coupon.points.count() != 0;
  const bool percent = coupon.percent_off != 0;
  const bool amount = coupon.amount_off_minor != 0 || !coupon.currency.empty();
  switch (coupon.kind) {
    case app::CouponKind::kPoints:
      if (coupon.points.count() <= 0 || coupon.points.count() > limits::kPointsAbsMax) {
        return InvalidArgument("a points coupon's points must be 1.." + std::to_string(limits::kPointsAbsMax));
      }
      if (percent || amount) return InvalidArgument("a points coupon has no percent or amount off");
      return {};
    case app::CouponKind::kPercentOff:
      if (coupon.percent_off < 1 || coupon.percent_off > 100) {
        return InvalidArgument("a percent-off coupon's percent must be 1..100, not " +
                               std::to_string(coupon.percent_off));
      }
      if (points || amount) return InvalidArgument("a percent-off coupon has no points or amount off");
      return {};
    case app::CouponKind::kAmountOff:
      if (coupon.amount_off_minor <= 0 || coupon.amount_off_minor > limits::kMoneyMinorAbsMax) {
        return InvalidArgument("an amount-off coupon's amount must be 1.." + std::to_string(limits::kMoneyMinorAbsMax));
      }
      if (coupon.currency.size() != kCurrencyBytes) {
        return InvalidArgument("an amount-off coupon needs an ISO 4217 currency, not \"" + coupon.currency + "\"");
      }
      if (points || percent) return InvalidArgument("an amount-off coupon has no points or percent off");
      return {};
  }
  return InvalidArgument("unknown coupon kind");
}

Status ValidateCoupon(const app::Coupon& coupon) {
  RAPPORT_RETURN_IF_ERROR(ValidateLength("a coupon code", coupon.code, 1, app::kCouponCodeBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateLength("a coupon name", coupon.name, 1, app::kCouponNameBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateLength("a coupon's creator", coupon.created_by, 0, kTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateKindFields(coupon));
  RAPPORT_RETURN_IF_ERROR(ValidateMaxUses(coupon.max_uses));
  if (coupon.max_uses_per_member < 1) return InvalidArgument("a coupon's max uses per member must be positive");
  if (coupon.valid_from && coupon.valid_until && *coupon.valid_until <= *coupon.valid_from) {
    return InvalidArgument("a coupon's validity must end after it starts");
  }
  return {};
}

Result<app::Coupon> CouponFromRow(const SqlRow& row) {
  app::Coupon coupon;
  coupon.id = row.Int(0);
  coupon.code = std::string(row.Text(1));
  coupon.name = std::string(row.Text(2));
  const std::optional<app::CouponKind> kind = app::ParseCouponKind(row.Text(3));
  if (!kind) {
    return UnknownStoredValue("coupons", "kind", row.Text(3));
  }
  coupon.kind = *kind;
  coupon.points = Points(row.Int(4));
  coupon.percent_off = static_cast<int>(row.Int(5));
  coupon.amount_off_minor = row.Int(6);
  coupon.currency = std::string(row.Text(7));
  if (!row.IsNull(8)) coupon.contact_id = ContactId(row.Int(8));
  coupon.valid_from = OptionalTimestamp(row, 9);
  coupon.valid_until = OptionalTimestamp(row, 10);
  coupon.max_uses = OptionalIntColumn(row, 11);
  coupon.max_uses_per_member = row.Int(12);
  coupon.uses = row.Int(13);
  coupon.active = row.Int(14) != 0;
  coupon.created_at = FromUnixMicros(row.Int(15));
  coupon.created_by = std::string(row.Text(16));
  return coupon;
}

app::CouponUse CouponUseFromRow(const SqlRow& row) {
  app::CouponUse use;
  use.id = row.Int(0);
  use.coupon_id = row.Int(1);
  use.contact_id = ContactId(row.Int(2));
  if (!row.IsNull(3)) use.purchase_id = PurchaseId(row.Int(3));
  use.transaction_id = OptionalIntColumn(row, 4);
  use.used_at = FromUnixMicros(row.Int(5));
  return use;
}

Status ValidateLimit(int limit) {
  if (limit < 1 || limit > app::kCouponsPageMax + 1) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(app::kCouponsPageMax + 1));
  }
  return {};
}

Result<std::vector<app::Coupon>> QueryCoupons(SqlSession& session, std::string_view query_name,
                                              std::span<const SqlParam> params) {
  std::vector<app::Coupon> coupons;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::Coupon coupon, CouponFromRow(row));
    coupons.push_back(std::move(coupon));
    return Status();
  }));
  return coupons;
}

Result<std::optional<app::Coupon>> QueryCoupon(SqlSession& session, std::string_view query_name,
                                               std::span<const SqlParam> params) {
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Coupon> rows, QueryCoupons(session, query_name, params));
  if (rows.empty()) return std::optional<app::Coupon>();
  return std::optional<app::Coupon>(std::move(rows.front()));
}

}  // namespace

// ---- reads ------------------------------------------------------------------

Result<std::optional<app::Coupon>> SqlCoupons::GetCoupon(std::int64_t id) {
  const SqlParam params[] = {id};
  return QueryCoupon(session_, "coupons_get", params);
}

Result<std::optional<app::Coupon>> SqlCoupons::FindCouponByCode(std::string_view code) {
  const SqlParam params[] = {code};
  return QueryCoupon(session_, "coupons_by_code", params);
}

Result<std::vector<app::Coupon>> SqlCoupons::ListCoupons(const CouponFilter& filter, std::optional<std::int64_t> before,
                                                         int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  const std::int64_t include_inactive = filter.include_inactive ? 1 : 0;
  if (filter.contact) {
    const SqlParam params[] = {filter.contact->value(), before.value_or(kInt64Max), include_inactive,
                               std::int64_t{limit}};
    return QueryCoupons(session_, "coupons_list_personal", params);
  }
  const SqlParam params[] = {before.value_or(kInt64Max), include_inactive, std::int64_t{limit}};
  return QueryCoupons(session_, "coupons_list", params);
}

Result<std::int64_t> SqlCoupons::CountCouponUses(std::int64_t coupon, ContactId contact) {
  const SqlParam params[] = {coupon, contact.value()};
  std::int64_t count = 0;
  RAPPORT_RETURN_IF_ERROR(session_.Query("coupon_uses_count", params, [&](const SqlRow& row) {
    count = row.Int(0);
    return Status();
  }));
  return count;
}

Result<std::vector<app::CouponUse>> SqlCoupons::ListCouponUses(ContactId contact, int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  const SqlParam params[] = {contact.value(), std::int64_t{limit}};
  std::vector<app::CouponUse> uses;
  RAPPORT_RETURN_IF_ERROR(session_.Query("coupon_uses_list", params, [&](const SqlRow& row) {
    uses.push_back(CouponUseFromRow(row));
    return Status();
  }));
  return uses;
}

// ---- writes -----------------------------------------------------------------

Result<std::int64_t> SqlCoupons::InsertCoupon(const app::Coupon& coupon) {
  RAPPORT_RETURN_IF_ERROR(ValidateCoupon(coupon));
  const std::string kind(app::CouponKindName(coupon.kind));
  const SqlParam params[] = {std::string_view(coupon.code),
                             std::string_view(coupon.name),
                             std::string_view(kind),
                             coupon.points.count(),
                             std::int64_t{coupon.percent_off},
                             coupon.amount_off_minor,
                             std::string_view(coupon.currency),
                             coupon.contact_id ? SqlParam(coupon.contact_id->value()) : SqlParam(SqlNull{}),
                             OptionalMicros(coupon.valid_from),
                             OptionalMicros(coupon.valid_until),
                             OptionalInt(coupon.max_uses),
                             coupon.max_uses_per_member,
                             std::int64_t{coupon.active ? 1 : 0},
                             ToUnixMicros(now_),
                             std::string_view(coupon.created_by)};
  std::optional<std::int64_t> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query("coupons_insert", params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  if (!id) return AlreadyExists("the coupon code '" + coupon.code + "' is taken");
  return *id;
}

Status SqlCoupons::UpdateCoupon(std::int64_t id, bool active, std::optional<Timestamp> valid_until,
                                std::optional<std::int64_t> max_uses) {
  RAPPORT_RETURN_IF_ERROR(ValidateMaxUses(max_uses));
  const SqlParam params[] = {id, std::int64_t{active ? 1 : 0}, OptionalMicros(valid_until), OptionalInt(max_uses)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t changed, session_.Execute("coupons_update", params));
  if (changed > 0) return {};
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<app::Coupon> found, GetCoupon(id));
  if (!found) return NotFound("no coupon " + std::to_string(id));
  if (max_uses && *max_uses < found->uses) {
    return FailedPrecondition("coupon " + std::to_string(id) + " was used " + std::to_string(found->uses) +
                              " times already, more than max uses " + std::to_string(*max_uses));
  }
  return FailedPrecondition("coupon " + std::to_string(id) + "'s validity would end before it starts");
}

Result<bool> SqlCoupons::TakeCouponUse(std::int64_t coupon) {
  const SqlParam params[] = {coupon};
  bool taken = false;
  RAPPORT_RETURN_IF_ERROR(session_.Query("coupons_take_use", params, [&](const SqlRow&) {
    taken = true;
    return Status();
  }));
  if (taken) return true;
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<app::Coupon> found, GetCoupon(coupon));
  if (!found) return NotFound("no coupon " + std::to_string(coupon));
  return false;
}

Result<std::int64_t> SqlCoupons::InsertCouponUse(const app::CouponUse& use) {
  const SqlParam params[] = {use.coupon_id, use.contact_id.value(),
                             use.purchase_id ? SqlParam(use.purchase_id->value()) : SqlParam(SqlNull{}),
                             OptionalInt(use.transaction_id), ToUnixMicros(now_)};
  std::optional<std::int64_t> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query("coupon_uses_insert", params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  if (!id) return Internal("inserting a coupon use returned no id");
  return *id;
}

}  // namespace rapport::store
