// The loyalty store port: purchases and refunds, the points ledger (double
// entry, append-only), lots of points with their expiry, the derived balances,
// the programme's rules (versioned) and idempotency records.
//
// The ledger. Every change of points is one LedgerTransaction whose entries
// sum to zero. Member accounts (available, pending) belong to a contact; the
// programme accounts (issued, redeemed, expired, adjustments, written_off) are
// one each. Earning 50 points: issued −50, pending +50 (or available +50).
// An entry on a member account always names a lot, so each lot's remaining
// points are the sum of its entries and redemptions and expiries say which
// lots they took from. Nothing is ever updated or deleted: a correction is a
// reversing transaction (triggers refuse UPDATE and DELETE on the ledger
// tables).
//
// Derived state kept in step by PostTransaction, in the same transaction, and
// verified by CheckLedger: each lot's `remaining` (and its state: a lot is
// pending until a release moves it to available, then spent or expired when
// nothing remains), each account's balances. The store refuses a posting that
// would not sum to zero (kInvalidArgument) or that would take a lot or a
// balance below zero (kFailedPrecondition, "balance would be negative"):
// the app checks first, the store is the last line.
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
#include "rapport/base/points.h"
#include "rapport/base/status.h"
#include "rapport/domain/loyalty.h"

namespace rapport::app {

enum class LedgerAccount : std::uint8_t {
  kAvailable,    // member: points the member can spend
  kPending,      // member: earned, not yet available (return window)
  kIssued,       // programme: the source of earned and bonus points
  kRedeemed,     // programme: points spent on rewards
  kExpired,      // programme: points that expired
  kAdjustments,  // programme: the other side of manual adjustments
  kWrittenOff,   // programme: points a refund should have taken back but the member had spent
};
std::string_view LedgerAccountName(LedgerAccount account);  // "available", "pending", "issued", ...
std::optional<LedgerAccount> ParseLedgerAccount(std::string_view name);
bool IsMemberAccount(LedgerAccount account);  // available, pending

enum class LedgerKind : std::uint8_t {
  kEarn,          // a purchase earned points
  kRelease,       // pending → available
  kRedeem,        // points spent
  kRedeemCancel,  // a redemption cancelled: points back
  kExpire,        // points expired
  kRefund,        // a refund took back points its purchase earned
  kAdjust,        // a manual adjustment by a manager, with a reason
  kBonus,         // welcome, birthday, referral, promotion bonuses
};
std::string_view LedgerKindName(LedgerKind kind);  // "earn", "release", "redeem", "redeem_cancel", "expire",
                                                   // "refund", "adjust", "bonus"
std::optional<LedgerKind> ParseLedgerKind(std::string_view name);

enum class LotState : std::uint8_t { kPending, kAvailable, kSpent, kExpired };
std::string_view LotStateName(LotState state);  // "pending", "available", "spent", "expired"
std::optional<LotState> ParseLotState(std::string_view name);

// ---- purchases and refunds

struct Purchase {
  PurchaseId id{};  // assigned by InsertPurchase
  ContactId contact_id{};
  std::optional<CompanyId> company_id{};
  std::vector<domain::PurchaseLine> lines{};
  std::int64_t total_minor = 0;
  std::string currency{};  // ISO 4217
  std::string channel{};
  std::string store{};
  Timestamp occurred_at{};
  std::string external_id{};        // the seller's id; unique when not empty
  Points points_earned{0};          // what the earn transaction credited
  std::int64_t rules_version = 0;   // the rules that computed it
  std::int64_t refunded_minor = 0;  // kept by InsertRefund
  Points points_reversed{0};        // kept by InsertRefund
  Timestamp recorded_at{};          // set by the store (the transaction's clock)
  friend bool operator==(const Purchase&, const Purchase&) = default;
};

struct Refund {
  std::int64_t id = 0;  // assigned by InsertRefund
  PurchaseId purchase_id{};
  std::int64_t amount_minor = 0;  // > 0
  std::string reason{};
  std::string external_id{};  // unique per purchase when not empty
  Timestamp occurred_at{};
  Points points_reversed{0};     // what the refund took back from the member
  Points points_written_off{0};  // what it could not (the member had spent them)
  Timestamp recorded_at{};
  friend bool operator==(const Refund&, const Refund&) = default;
};

// ---- the ledger

struct Lot {
  std::int64_t id = 0;
  ContactId contact_id{};
  std::int64_t transaction_id = 0;  // the transaction that created it
  Points points{0};                 // credited at creation, > 0
  Points remaining{0};              // ≥ 0
  LotState state = LotState::kAvailable;
  Timestamp earned_at{};
  Timestamp available_at{};
  std::optional<Timestamp> expires_at{};
  std::optional<PurchaseId> purchase_id{};
  friend bool operator==(const Lot&, const Lot&) = default;
};

struct LedgerEntry {
  std::int64_t id = 0;
  LedgerAccount account = LedgerAccount::kAvailable;
  std::optional<ContactId> contact_id{};  // member accounts only
  std::optional<std::int64_t> lot_id{};   // member accounts only
  Points points{0};                       // signed, never 0
  friend bool operator==(const LedgerEntry&, const LedgerEntry&) = default;
};

struct LedgerTransaction {
  std::int64_t id = 0;
  LedgerKind kind = LedgerKind::kEarn;
  ContactId contact_id{};
  std::optional<PurchaseId> purchase_id{};
  std::optional<std::int64_t> refund_id{};
  Timestamp occurred_at{};  // when it happened in the world (the purchase time)
  Timestamp recorded_at{};  // when it was written (the transaction's clock)
  std::string actor{};
  std::string reason{};            // adjustments: why; others: ""
  std::string explanation_json{};  // earn: the EarningSteps as JSON; others "{}" or details
  std::vector<LedgerEntry> entries{};
  friend bool operator==(const LedgerTransaction&, const LedgerTransaction&) = default;
};

struct NewLot {
  Points points{0};                       // > 0
  LotState state = LotState::kAvailable;  // pending or available
  Timestamp earned_at{};
  Timestamp available_at{};
  std::optional<Timestamp> expires_at{};
  std::optional<PurchaseId> purchase_id{};
};

// One entry of a posting. A member-account entry names its lot: an existing
// one (`lot_id`) or one created by the same posting (`new_lot`, an index into
// NewLedgerTransaction::lots, whose creating entry must credit exactly its
// points). Programme-account entries name none.
struct NewEntry {
  LedgerAccount account = LedgerAccount::kAvailable;
  Points points{0};  // signed, not 0
  std::optional<std::int64_t> lot_id{};
  std::optional<std::size_t> new_lot{};
};

struct NewLedgerTransaction {
  LedgerKind kind = LedgerKind::kEarn;
  ContactId contact_id{};
  std::optional<PurchaseId> purchase_id{};
  std::optional<std::int64_t> refund_id{};
  Timestamp occurred_at{};
  std::string actor{};
  std::string reason{};
  std::string explanation_json = "{}";
  std::vector<NewLot> lots{};
  std::vector<NewEntry> entries{};            // 2..kLedgerEntriesPerTransactionMax, summing to 0
  std::vector<std::int64_t> released_lots{};  // pending lots this posting makes available
  // A purchase made by the member: the account's last activity becomes
  // max(last, this) (inactivity expiry).
  std::optional<Timestamp> activity_at{};
};

struct PostedTransaction {
  std::int64_t transaction_id = 0;
  std::vector<std::int64_t> lot_ids{};  // of NewLedgerTransaction::lots, in order
};

// A member's balances, derived from the ledger. A contact with no entries has
// an account of zeros.
struct LoyaltyAccount {
  ContactId contact_id{};
  Points available{0};
  Points pending{0};
  Points earned_total{0};    // credited by earn and bonus transactions, before reversals
  Points redeemed_total{0};  // net of cancelled redemptions
  Points expired_total{0};
  std::optional<Timestamp> last_activity_at{};
  friend bool operator==(const LoyaltyAccount&, const LoyaltyAccount&) = default;
};

// What CheckLedger found; `problems` empty when every invariant holds.
struct LedgerCheck {
  std::int64_t transactions = 0;
  std::int64_t entries = 0;
  Points issued{0};                     // the issued account's balance (negative: points given out)
  std::vector<std::string> problems{};  // "transaction 12 sums to 5", "contact 3 available is 40, entries say 35"
};

// ---- the programme's rules

struct ProgrammeRules {
  std::int64_t version = 0;  // 1, 2, ...
  std::string rules_json{};  // app-owned format (app/loyalty_rules_json.h)
  Timestamp updated_at{};
  std::string updated_by{};
};

// ---- idempotency

// The stored outcome of a request made with an Idempotency-Key (or a
// purchase's external id): replayed to retries with the same body.
struct IdempotencyRecord {
  std::string scope{};         // who and what: "loyalty.purchase|user:7"
  std::string key{};           // 1..kIdempotencyKeyBytesMax bytes
  std::string request_hash{};  // hex SHA-256 of the canonical request
  int status_code = 0;         // the HTTP status answered
  std::string response_json{};
  Timestamp created_at{};
  friend bool operator==(const IdempotencyRecord&, const IdempotencyRecord&) = default;
};

// ---- bulk import (app/purchase_import.h)

// One purchase of an import batch, its earning planned by the app. The store
// writes the purchase and, when it earned points, its earn posting exactly
// as PostTransaction would: issued −points, the member's pending (or
// available) +points on a new lot of those points.
struct ImportedPurchase {
  Purchase purchase{};                        // id, recorded_at, refunds: ignored; points_earned ≥ 0
  std::string explanation_json = "{}";        // the earn posting's explanation
  LotState lot_state = LotState::kAvailable;  // of the new lot: pending or available
  Timestamp available_at{};
  std::optional<Timestamp> expires_at{};
};

// The member credit of one earn posting (for the caps of an import).
struct EarnedPoints {
  ContactId contact_id{};
  Timestamp occurred_at{};
  Points points{0};
  friend bool operator==(const EarnedPoints&, const EarnedPoints&) = default;
};

// A contact as an import sees it: whether it was merged, and into whom.
struct ContactState {
  ContactId id{};
  std::optional<ContactId> merged_into{};
};

inline constexpr std::size_t kImportPurchasesMax = 100'000;  // per ImportPurchases call

inline constexpr std::size_t kLedgerEntriesPerTransactionMax = 1'000;
inline constexpr std::size_t kPurchaseLinesMax = 500;
inline constexpr std::size_t kIdempotencyKeyBytesMax = 255;
inline constexpr int kLoyaltyPageMax = 500;  // purchases, ledger transactions, lots per read

class LoyaltyReader {
 public:
  virtual ~LoyaltyReader() = default;

  virtual Result<std::optional<Purchase>> GetPurchase(PurchaseId id) = 0;
  virtual Result<std::optional<Purchase>> FindPurchaseByExternalId(std::string_view external_id) = 0;
  // A contact's purchases, newest first (occurred_at, then id), strictly
  // before `before` (a purchase id cursor: that purchase's position), at most
  // `limit` (1..kLoyaltyPageMax).
  virtual Result<std::vector<Purchase>> ListPurchases(ContactId contact, std::optional<PurchaseId> before,
                                                      int limit) = 0;
  virtual Result<std::vector<Refund>> ListRefunds(PurchaseId purchase) = 0;
  virtual Result<std::optional<Refund>> FindRefundByExternalId(PurchaseId purchase, std::string_view external_id) = 0;

  virtual Result<LoyaltyAccount> GetAccount(ContactId contact) = 0;
  // The contact's lots still holding points (pending and available), oldest
  // earned first (earned_at, then id); at most kLoyaltyPageMax × 20.
  virtual Result<std::vector<Lot>> ListOpenLots(ContactId contact) = 0;
  // The lots a purchase created (its earn), any state.
  virtual Result<std::vector<Lot>> ListPurchaseLots(PurchaseId purchase) = 0;
  // The contact's ledger, newest first by transaction id, strictly before
  // `before`, at most `limit` (1..kLoyaltyPageMax), entries included.
  virtual Result<std::vector<LedgerTransaction>> ListLedger(ContactId contact, std::optional<std::int64_t> before,
                                                            int limit) = 0;
  // Points credited to the member by earn transactions occurring in [from, to)
  // (for the caps; reversals by refunds are not subtracted).
  virtual Result<Points> EarnedBetween(ContactId contact, Timestamp from, Timestamp to) = 0;

  // Work for the jobs, at most `limit` rows each, oldest first:
  // pending lots with remaining > 0 and available_at ≤ now;
  virtual Result<std::vector<Lot>> DueReleases(Timestamp now, int limit) = 0;
  // available lots with remaining > 0 and expires_at ≤ now;
  virtual Result<std::vector<Lot>> DueExpiries(Timestamp now, int limit) = 0;
  // contacts with available > 0 whose last activity is ≤ cutoff (inactivity).
  virtual Result<std::vector<ContactId>> InactiveMembers(Timestamp cutoff, int limit) = 0;

  // Verifies every invariant of the header over the whole ledger (or one
  // contact's part of it when `contact` is given).
  virtual Result<LedgerCheck> CheckLedger(std::optional<ContactId> contact) = 0;

  // The current rules; nullopt before any were saved (the app then uses
  // domain::DefaultEarningRules). RulesVersion reads an older version.
  virtual Result<std::optional<ProgrammeRules>> GetRules() = 0;
  virtual Result<std::optional<ProgrammeRules>> GetRulesVersion(std::int64_t version) = 0;

  virtual Result<std::optional<IdempotencyRecord>> GetIdempotency(std::string_view scope, std::string_view key) = 0;

  // Bulk reads of an import (at most kImportPurchasesMax items each):
  // the purchases holding these external ids ("" never matches), any order;
  virtual Result<std::vector<Purchase>> FindPurchasesByExternalIds(std::span<const std::string> external_ids) = 0;
  // the contacts among `ids` that exist (merged ones included), any order;
  virtual Result<std::vector<ContactState>> GetContactStates(std::span<const ContactId> ids) = 0;
  // the member credits of earn postings of `contacts` occurring in [from, to),
  // one per posting, by contact then occurred_at (EarnedBetween, itemised).
  virtual Result<std::vector<EarnedPoints>> ListEarnings(std::span<const ContactId> contacts, Timestamp from,
                                                         Timestamp to) = 0;
};

class LoyaltyWriter {
 public:
  virtual ~LoyaltyWriter() = default;

  // Inserts the purchase (id and recorded_at are assigned; refunded_minor and
  // points_reversed start at 0). kAlreadyExists when its external id is held.
  // kInvalidArgument for more than kPurchaseLinesMax lines.
  virtual Result<PurchaseId> InsertPurchase(const Purchase& purchase) = 0;
  // Inserts the refund and adds its amount and points to its purchase.
  // kFailedPrecondition when the purchase's refunds would exceed its total;
  // kAlreadyExists for an external id the purchase already has; kNotFound
  // for an unknown purchase.
  virtual Result<std::int64_t> InsertRefund(const Refund& refund) = 0;
  // Appends the posting and keeps lots and balances in step (see the header).
  virtual Result<PostedTransaction> PostTransaction(const NewLedgerTransaction& transaction) = 0;
  // Saves new rules as version current + 1. kConflict when the current version
  // is not `expected_version` (0: none saved yet): someone saved in between.
  virtual Result<std::int64_t> PutRules(std::string_view rules_json, std::int64_t expected_version, Timestamp at,
                                        std::string_view actor) = 0;
  // kAlreadyExists when (scope, key) is held.
  virtual Status PutIdempotency(const IdempotencyRecord& record) = 0;
  // Deletes records created before `cutoff`, at most `limit`; returns how many.
  virtual Result<std::int64_t> PruneIdempotency(Timestamp cutoff, int limit) = 0;
  // Writes a batch of imported purchases (1..kImportPurchasesMax) in a few
  // multi-row statements: the purchases; for each that earned points one earn
  // posting (a ledger transaction by `actor`, two entries, one lot); the
  // members' balances, earned totals and last activity (the latest purchase
  // with points), once per member; and one "purchase_recorded" contact event
  // per purchase, whose payload holds purchase_id, total_minor, currency,
  // channel, points and "source":"import". Returns the purchase ids in batch
  // order. Checks as InsertPurchase (kInvalidArgument) and kAlreadyExists when
  // an external id is held or repeated; the caller's transaction rolls back.
  virtual Result<std::vector<PurchaseId>> ImportPurchases(std::span<const ImportedPurchase> batch,
                                                          std::string_view actor) = 0;
  // For a bulk load of history: drops the secondary indexes of the purchase,
  // ledger, lot, entry, event and balance tables that an import does not read
  // (`keep_member_history`: the purchases' by-member index and the earnings
  // index stay, for rules with tiers, a welcome bonus or caps), so each is
  // built once, by one sort, rather than updated at a random place per row;
  // returns the names dropped (none when they are deferred already). Every
  // query still answers meanwhile, by scans. BuildDeferredIndex builds one of them again and returns its
  // name, nullopt when none is left. Crash-safe: opening the store builds
  // any that a load which died left dropped.
  virtual Result<std::vector<std::string>> DeferImportIndexes(bool keep_member_history) = 0;
  virtual Result<std::optional<std::string>> BuildDeferredIndex() = 0;
};

}  // namespace rapport::app
