// See audit_chain.h.
#include "rapport/app/audit_chain.h"

#include <algorithm>

#include "sodium_support.h"

namespace rapport::app {
namespace {

// Bumped if the canonical form ever changes; old rows keep verifying under the
// version they were written with only if the verifier learns both.
constexpr std::string_view kCanonicalVersion = "rapport-audit-v1";

void AppendInteger(std::string& out, std::int64_t value) {
  const auto bits = static_cast<std::uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((bits >> shift) & 0xFF));
}

void AppendString(std::string& out, std::string_view value) {
  AppendInteger(out, static_cast<std::int64_t>(value.size()));
  out.append(value);
}

ChainVerification Broken(ChainFault fault, const AuditRecord& record, std::int64_t expected_sequence,
                         std::size_t rows_verified) {
  return ChainVerification{.fault = fault,
                           .broken_sequence = record.sequence,
                           .expected_sequence = expected_sequence,
                           .rows_verified = rows_verified};
}

// A row whose sequence is not the expected one: if the expected sequence turns
// up later, the rows were reordered; otherwise it was deleted.
ChainFault SequenceFault(std::span<const AuditRecord> later_rows, std::int64_t expected_sequence) {
  const bool appears_later = std::any_of(later_rows.begin(), later_rows.end(),
                                         [&](const AuditRecord& row) { return row.sequence == expected_sequence; });
  return appears_later ? ChainFault::kReordered : ChainFault::kMissing;
}

}  // namespace

std::string CanonicalAuditRecord(const AuditRecord& record) {
  std::string out;
  out.reserve(128 + record.actor.size() + record.action.size() + record.subject_type.size() + record.remote.size() +
              record.details_json.size());
  AppendString(out, kCanonicalVersion);
  AppendInteger(out, record.sequence);
  AppendInteger(out, ToUnixMicros(record.at));
  AppendString(out, record.actor);
  AppendString(out, record.action);
  AppendString(out, record.subject_type);
  AppendInteger(out, record.subject_id);
  AppendString(out, record.remote);
  AppendString(out, record.details_json);
  return out;
}

std::string ChainHash(std::string_view previous_hash, const AuditRecord& record) {
  std::string input;
  AppendString(input, previous_hash);
  input += CanonicalAuditRecord(record);
  return internal::Sha256Hex(input);
}

std::string_view ChainFaultName(ChainFault fault) {
  switch (fault) {
    case ChainFault::kNone: return "none";
    case ChainFault::kEdited: return "edited";
    case ChainFault::kReordered: return "reordered";
    case ChainFault::kMissing: return "missing";
    case ChainFault::kBadGenesis: return "bad_genesis";
  }
  return "unknown";
}

const ChainVerification& ChainVerifier::Feed(std::span<const AuditRecord> records) {
  for (std::size_t index = 0; index < records.size() && result_.ok(); ++index) {
    const AuditRecord& record = records[index];
    // Its own hash first: a row edited in place is named as itself.
    if (record.hash != ChainHash(record.previous_hash, record)) {
      result_ = Broken(ChainFault::kEdited, record, expected_sequence_, result_.rows_verified);
    } else if (record.sequence != expected_sequence_) {
      result_ = Broken(SequenceFault(records.subspan(index + 1), expected_sequence_), record, expected_sequence_,
                       result_.rows_verified);
    } else if (record.previous_hash != expected_previous_hash_) {
      // The row is self-consistent and in sequence, so the row before it (or
      // this one, re-hashed) was rewritten.
      const ChainFault fault = result_.rows_verified == 0 ? ChainFault::kBadGenesis : ChainFault::kEdited;
      result_ = Broken(fault, record, expected_sequence_, result_.rows_verified);
    } else {
      expected_previous_hash_ = record.hash;
      ++expected_sequence_;
      ++result_.rows_verified;
    }
  }
  return result_;
}

ChainVerification VerifyChain(std::span<const AuditRecord> records) {
  ChainVerifier verifier;
  return verifier.Feed(records);
}

}  // namespace rapport::app
