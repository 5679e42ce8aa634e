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

}  // namespace rapport::limits
