// Every quantity that grows has a named upper bound here. Each is enforced
// where the quantity enters the system and tested at its edge.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rapport::limits {

// HTTP
inline constexpr std::size_t kHttpBodyBytesMax = 1 << 20;     // 1 MiB JSON body
inline constexpr std::size_t kHttpHeaderBytesMax = 16 << 10;  // all request headers
inline constexpr std::size_t kHttpTargetBytesMax = 4 << 10;   // request line target
inline constexpr int kHttpReadTimeoutMs = 30'000;             // per request, headers+body
inline constexpr int kHttpIdleTimeoutMs = 60'000;             // keep-alive idle
inline constexpr int kHttpShutdownGraceMs = 10'000;           // in-flight drain on SIGTERM
inline constexpr std::size_t kHttpConnectionsMax = 10'000;

// Lists
inline constexpr int kPageSizeDefault = 50;
inline constexpr int kPageSizeMax = 500;

// Store
inline constexpr std::size_t kGroupCommitBatchMax = 256;    // commands per write transaction
inline constexpr std::size_t kWriteQueueDepthMax = 10'000;  // pending commands before back-pressure
inline constexpr int kReaderPoolSizeMax = 64;
inline constexpr int kStoreBusyTimeoutMs = 5'000;
inline constexpr std::size_t kBulkRowsPerTransactionMax = 100'000;

// Event log and consumers
inline constexpr int kEventBatchMax = 1'000;  // events per consumer read
inline constexpr std::size_t kEventPayloadBytesMax = 64 << 10;

// Jobs
inline constexpr int kJobAttemptsMax = 25;
inline constexpr int kJobClaimBatchMax = 100;
inline constexpr std::int64_t kJobLeaseMsDefault = std::int64_t{5} * 60'000;
inline constexpr std::int64_t kJobBackoffMsMax = std::int64_t{6} * 3'600'000;  // retries never wait longer
inline constexpr std::size_t kJobPayloadBytesMax = 64 << 10;

// Money and points: bounds on single amounts so sums stay far from int64 overflow.
inline constexpr std::int64_t kMoneyMinorAbsMax = 1'000'000'000'000'000;  // 10^15 minor units
inline constexpr std::int64_t kPointsAbsMax = 1'000'000'000'000;          // 10^12 points

// Demo data
inline constexpr std::int64_t kDemoContactsMax = 10'000'000;  // the generator keeps ~24 bytes per contact
inline constexpr std::int64_t kDemoPurchasesMax = 500'000'000;

// Access
inline constexpr std::int64_t kUsersMax = 10'000;      // users of one installation
inline constexpr std::int64_t kApiTokensMax = 10'000;  // tokens, revoked ones included
inline constexpr std::size_t kEmailBytesMax = 254;     // RFC 5321 path limit
inline constexpr std::size_t kDisplayNameBytesMax = 200;
inline constexpr std::size_t kTokenNameBytesMax = 100;
inline constexpr std::size_t kAuditDetailsBytesMax = 8 << 10;
inline constexpr std::int64_t kSessionsPerUserMax = 100;   // the oldest ends when a new one exceeds it
inline constexpr std::size_t kRateLimitKeysMax = 100'000;  // tracked accounts/addresses/tokens per node

// Relationships: contacts, companies and the client card
inline constexpr std::size_t kNameBytesMax = 200;             // first, last or company name
inline constexpr std::size_t kPhoneDigitsMax = 15;            // E.164
inline constexpr std::size_t kFieldBytesMax = 1'000;          // any other single-line profile field
inline constexpr std::size_t kOtherEmailsMax = 10;            // further e-mails per contact
inline constexpr std::size_t kOtherPhonesMax = 10;            // further phones per contact
inline constexpr std::size_t kCompaniesPerContactMax = 50;    // company links of one contact
inline constexpr std::size_t kNoteBytesMax = 64 << 10;        // one note's text
inline constexpr std::size_t kCustomFieldsMax = 200;          // field definitions per installation
inline constexpr std::size_t kCustomChoicesMax = 100;         // choices of one choice field
inline constexpr std::size_t kCustomJsonBytesMax = 16 << 10;  // all custom values of one record
inline constexpr std::size_t kInterestsMax = 10'000;          // interests in the taxonomy
inline constexpr std::size_t kSearchTermsMax = 8;             // terms of one search query
inline constexpr std::size_t kSearchQueryBytesMax = 200;
inline constexpr std::size_t kSearchTextBytesMax = 4 << 10;  // the folded search document of one contact
inline constexpr std::size_t kImportRowBytesMax = 1 << 20;   // one CSV record or NDJSON line
inline constexpr std::size_t kImportColumnsMax = 500;
inline constexpr std::size_t kImportBatchRowsMax = 10'000;                    // rows per write transaction of an import
inline constexpr std::size_t kImportUploadBytesMax = std::size_t{256} << 20;  // one file uploaded over HTTP
inline constexpr std::size_t kMergeMovedRowsMax = 1'000'000;                  // related rows one merge may move
inline constexpr int kDuplicateScoreMin = 60;                                 // candidates below this are not kept

}  // namespace rapport::limits
