// JSON codecs of the loyalty API: the public shapes of purchases, refunds,
// lots, ledger transactions, a member's summary, the programme's rules and the
// ledger check (see the OpenAPI schemas in loyalty_schemas.h), and the readers
// of purchase, refund and adjustment bodies.
//
// Readers turn a malformed body (not JSON, wrong types, unknown members) into
// the 400 problem of json.h; values the body may hold but the programme
// refuses (a zero adjustment, more lines than kPurchaseLinesMax) are 422
// problems with one FieldError per field. Everything else is judged by
// app::LoyaltyService.
//
// Thread safety: free functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"
#include "problem.h"

#include "rapport/app/loyalty.h"
#include "rapport/app/loyalty_service.h"

namespace rapport::http {

// The members of a purchase without the enclosing braces, so callers can add
// their own ("refunds").
void WritePurchaseMembers(JsonWriter& json, const app::Purchase& purchase);
void WritePurchase(JsonWriter& json, const app::Purchase& purchase);
void WriteRefund(JsonWriter& json, const app::Refund& refund);
void WriteLot(JsonWriter& json, const app::Lot& lot);
// A statement-of-account line: "points" is the signed sum of the member's
// entries, "explanation" the transaction's explanation_json as JSON.
void WriteLedgerTransaction(JsonWriter& json, const app::LedgerTransaction& transaction);
void WriteSummary(JsonWriter& json, ContactId contact, const app::LoyaltySummary& summary);
void WriteRulesView(JsonWriter& json, const app::RulesView& view);
void WriteLedgerCheck(JsonWriter& json, const app::LedgerCheck& check);

// The body of 201/200 answers to POST /api/v1/purchases, the one that is
// stored for an Idempotency-Key and replayed byte for byte.
std::string PurchaseResponseJson(const app::RecordedPurchase& recorded);
std::string RefundResponseJson(const app::RecordedRefund& recorded);

// POST /api/v1/purchases. nullopt when `request` is filled in.
std::optional<Problem> ReadPurchaseRequest(std::string_view body, app::PurchaseRequest& request);
// POST /api/v1/purchases/{id}/refunds.
std::optional<Problem> ReadRefundRequest(std::string_view body, app::RefundRequest& request);

struct AdjustmentRequest {
  Points points{0};
  std::string reason{};
};
// POST /api/v1/contacts/{id}/loyalty/adjustments.
std::optional<Problem> ReadAdjustmentRequest(std::string_view body, AdjustmentRequest& request);

// 422 with `code` and one field error per entry.
Problem UnprocessableProblem(std::string code, std::string title, std::string detail, std::vector<FieldError> errors);

// A rules body's problems ({field, reason}) as a JSON array, for the
// "problems" member of invalid_rules.
std::string RuleProblemsJson(const std::vector<domain::RuleProblem>& problems);

}  // namespace rapport::http
