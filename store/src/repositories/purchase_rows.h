// A purchase row as both loyalty repositories read and write it
// (repositories/loyalty.cc one at a time, loyalty_import.cc in bulk): the
// lines_json encoding and the column order of loyalty_purchase_get.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/session.h"

#include "rapport/app/loyalty.h"

namespace rapport::store {

// The store's last-line limits of a purchase's and a posting's texts.
inline constexpr std::size_t kLoyaltyTextBytesMax = 1'000;      // actor, reason, channel, store, sku, category
inline constexpr std::size_t kLoyaltyJsonBytesMax = 1'000'000;  // explanation, rules, idempotent responses
inline constexpr std::size_t kExternalIdBytesMax = 255;

// kInvalidArgument naming `what` when `text` is over `bytes_max` bytes.
Status ValidateText(std::string_view what, std::string_view text, std::size_t bytes_max);

// lines_json: [{"sku":..,"category":..,"quantity":..,"unit_price_minor":..}, ...]
std::string EncodeLines(const std::vector<domain::PurchaseLine>& lines);
// kDataLoss naming the purchase when the JSON is not what EncodeLines writes.
Result<std::vector<domain::PurchaseLine>> DecodeLines(std::string_view json, std::int64_t purchase_id);

// Column order of loyalty_purchase_get: id, contact_id, company_id,
// lines_json, total_minor, currency, channel, store, occurred_at_us,
// external_id, points_earned, rules_version, refunded_minor,
// points_reversed, recorded_at_us.
Result<app::Purchase> PurchaseFromRow(const SqlRow& row);

}  // namespace rapport::store
