// AuditChain: the tamper evidence of the audit log. Each record carries the
// hash of the record before it, and its own hash covers that link and all its
// fields, so editing, deleting or reordering stored rows breaks the chain at
// a row VerifyChain can name.
//
//   hash = SHA-256(previous_hash ‖ Canonical(record)), as 64 lowercase hex
//
// Canonical is unambiguous: a version tag, then every field in a fixed order,
// integers as 8 big-endian bytes and strings as an 8-byte big-endian length
// followed by the bytes, so no two different records serialise alike.
// The first record (sequence kAuditFirstSequence) links to kAuditGenesisHash.
//
// Limitation: the chain alone cannot show that rows were cut off the end. The
// caller compares the last hash with one kept elsewhere (e.g. a checkpoint).
//
// Pure computation. Thread safety: stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "rapport/base/clock.h"

namespace rapport::app {

inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr std::int64_t kAuditFirstSequence = 1;

struct AuditRecord {
  std::int64_t sequence = 0;  // 1, 2, 3, ... without gaps
  Timestamp at;
  std::string actor;         // "user:12", "token:3", "system"
  std::string action;        // "user.create", "loyalty.adjust", ...
  std::string subject_type;  // "user", "contact", ...
  std::int64_t subject_id = 0;
  std::string remote;        // client address, empty for jobs and the CLI
  std::string details_json;  // stored as given; the hash covers its exact bytes
  std::string previous_hash;
  std::string hash;
};

// The bytes the hash covers after previous_hash (hash and previous_hash excluded).
std::string CanonicalAuditRecord(const AuditRecord& record);

// SHA-256(previous_hash ‖ CanonicalAuditRecord(record)) as lowercase hex. Uses
// the `previous_hash` argument, not record.previous_hash, so a writer can
// compute the hash of a record it is about to store.
std::string ChainHash(std::string_view previous_hash, const AuditRecord& record);

enum class ChainFault : std::uint8_t {
  kNone,
  kEdited,      // a row's contents no longer match its hash, or its link to the row before
  kReordered,   // rows are out of sequence order
  kMissing,     // a sequence number is absent
  kBadGenesis,  // the first row does not link to kAuditGenesisHash
};

std::string_view ChainFaultName(ChainFault fault);

struct ChainVerification {
  ChainFault fault = ChainFault::kNone;
  std::int64_t broken_sequence = 0;    // sequence of the row where the chain first breaks
  std::int64_t expected_sequence = 0;  // the sequence that should have been there
  std::size_t rows_verified = 0;       // rows checked good before the break (all when intact)

  bool ok() const { return fault == ChainFault::kNone; }
};

// Verifies a log fed to it in consecutive pages, so a long log is checked in
// bounded memory. A reorder is told from a deletion only within one page.
class ChainVerifier {
 public:
  // Checks the next rows; once broken, further pages are ignored.
  const ChainVerification& Feed(std::span<const AuditRecord> records);
  const ChainVerification& result() const { return result_; }
  const std::string& last_hash() const { return expected_previous_hash_; }

 private:
  std::int64_t expected_sequence_ = kAuditFirstSequence;
  std::string expected_previous_hash_{kAuditGenesisHash};
  ChainVerification result_{};
};

// Checks `records`, which must be the whole log read in storage order, and
// reports the first break. An empty log is intact.
ChainVerification VerifyChain(std::span<const AuditRecord> records);

}  // namespace rapport::app
