// SqlLoyalty: purchases, refunds, the points ledger, lots, the derived
// balances, the programme's rules and idempotency records over a SqlSession
// (app/loyalty.h), written once for both databases.
//
// Invariants it keeps within the caller's transaction:
//  * ledger_transactions and ledger_entries are only ever inserted (triggers
//    refuse UPDATE and DELETE); every posting sums to zero;
//  * each lot's `remaining` equals the sum of its entries, and each
//    loyalty_accounts row's available/pending equals the sum of the member's
//    entries on that account: PostTransaction updates both with the entries;
//  * a purchase's refunded_minor and points_reversed are the sums of its
//    refunds, and refunded_minor never exceeds total_minor;
//  * purchases.lines_json is a JSON array of {sku, category, quantity,
//    unit_price_minor}, encoded and decoded only here.
// A failed call may leave partial writes behind: the caller's Store::Write
// rolls the whole body back.
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/loyalty.h"

namespace rapport::store {

class SqlLoyalty final : public app::LoyaltyReader, public app::LoyaltyWriter {
 public:
  // `now` is the transaction's clock reading: recorded_at of every row written.
  SqlLoyalty(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  // LoyaltyReader
  Result<std::optional<app::Purchase>> GetPurchase(PurchaseId id) override;
  Result<std::optional<app::Purchase>> FindPurchaseByExternalId(std::string_view external_id) override;
  Result<std::vector<app::Purchase>> ListPurchases(ContactId contact, std::optional<PurchaseId> before,
                                                   int limit) override;
  Result<std::vector<app::Refund>> ListRefunds(PurchaseId purchase) override;
  Result<std::optional<app::Refund>> FindRefundByExternalId(PurchaseId purchase, std::string_view external_id) override;
  Result<app::LoyaltyAccount> GetAccount(ContactId contact) override;
  Result<std::vector<app::Lot>> ListOpenLots(ContactId contact) override;
  Result<std::vector<app::Lot>> ListPurchaseLots(PurchaseId purchase) override;
  Result<std::vector<app::LedgerTransaction>> ListLedger(ContactId contact, std::optional<std::int64_t> before,
                                                         int limit) override;
  Result<Points> EarnedBetween(ContactId contact, Timestamp from, Timestamp to) override;
  Result<std::vector<app::Lot>> DueReleases(Timestamp now, int limit) override;
  Result<std::vector<app::Lot>> DueExpiries(Timestamp now, int limit) override;
  Result<std::vector<ContactId>> InactiveMembers(Timestamp cutoff, int limit) override;
  Result<app::LedgerCheck> CheckLedger(std::optional<ContactId> contact) override;
  Result<std::optional<app::ProgrammeRules>> GetRules() override;
  Result<std::optional<app::ProgrammeRules>> GetRulesVersion(std::int64_t version) override;
  Result<std::optional<app::IdempotencyRecord>> GetIdempotency(std::string_view scope, std::string_view key) override;
  // Bulk import reads and writes: repositories/loyalty_import.cc.
  Result<std::vector<app::Purchase>> FindPurchasesByExternalIds(std::span<const std::string> external_ids) override;
  Result<std::vector<app::ContactState>> GetContactStates(std::span<const ContactId> ids) override;
  Result<std::vector<app::EarnedPoints>> ListEarnings(std::span<const ContactId> contacts, Timestamp from,
                                                      Timestamp to) override;

  // LoyaltyWriter
  Result<PurchaseId> InsertPurchase(const app::Purchase& purchase) override;
  Result<std::int64_t> InsertRefund(const app::Refund& refund) override;
  Result<app::PostedTransaction> PostTransaction(const app::NewLedgerTransaction& transaction) override;
  Result<std::int64_t> PutRules(std::string_view rules_json, std::int64_t expected_version, Timestamp at,
                                std::string_view actor) override;
  Status PutIdempotency(const app::IdempotencyRecord& record) override;
  Result<std::int64_t> PruneIdempotency(Timestamp cutoff, int limit) override;
  Result<std::vector<PurchaseId>> ImportPurchases(std::span<const app::ImportedPurchase> batch,
                                                  std::string_view actor) override;
  Result<std::vector<std::string>> DeferImportIndexes(bool keep_member_history) override;
  Result<std::optional<std::string>> BuildDeferredIndex() override;

 private:
  Result<std::vector<app::Purchase>> QueryPurchases(std::string_view query_name, std::span<const SqlParam> params);
  Result<std::vector<app::Lot>> QueryLots(std::string_view query_name, std::span<const SqlParam> params);
  Result<std::vector<app::Refund>> QueryRefunds(std::string_view query_name, std::span<const SqlParam> params);
  Result<std::optional<app::ProgrammeRules>> QueryRules(std::string_view query_name, std::span<const SqlParam> params);

  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store
