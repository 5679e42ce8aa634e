// FakeStore: an in-memory app::Store for the jobs layer's unit tests. It keeps
// the semantics the job runtime relies on (claims with leases, dedupe keys,
// checkpoints, rollback of a failed body), plain in-memory accounts (users,
// sessions, tokens, a hash-chained audit log) that jobs tests do not exercise,
// and fault injection: failing the next writes, or pretending another process
// holds a checkpoint.
//
// Every Write runs under one mutex on a copy of the state, committed only when
// the body succeeds, which models a transaction with rollback.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "rapport/app/store.h"

namespace rapport::jobs::testing {

struct FakeState {
  std::vector<app::Event> events;
  std::map<std::int64_t, app::Job> jobs;
  std::int64_t next_job_id = 1;
  std::map<std::string, app::Checkpoint, std::less<>> checkpoints;
  std::int64_t companies = 0;
  // Accounts, kept simply: the jobs runtime never uses them.
  std::map<std::int64_t, app::User> users;
  std::map<std::int64_t, app::Session> sessions;
  std::map<std::int64_t, app::ApiToken> tokens;
  std::vector<app::AuditRecord> audit;
  std::int64_t next_account_id = 1;  // shared by users, sessions and tokens
};

class FakeJobQueue final : public app::JobQueue {
 public:
  explicit FakeJobQueue(FakeState& state) : state_(state) {}

  Result<app::EnqueueOutcome> Enqueue(const app::NewJob& job, Timestamp now) override {
    if (job.kind.empty()) return InvalidArgument("job kind must not be empty");
    if (job.dedupe_key) {
      for (const auto& [id, existing] : state_.jobs) {
        if (existing.dedupe_key == job.dedupe_key) return app::EnqueueOutcome{existing.id, false};
      }
    }
    app::Job row;
    row.id = JobId(state_.next_job_id++);
    row.kind = job.kind;
    row.payload_json = job.payload_json;
    row.attempts_max = job.attempts_max;
    row.run_at = job.run_at;
    row.created_at = now;
    row.dedupe_key = job.dedupe_key;
    state_.jobs[row.id.value()] = row;
    return app::EnqueueOutcome{row.id, true};
  }

  Result<std::vector<app::Job>> Claim(std::string_view worker, Timestamp now, Microseconds lease, int limit) override {
    std::vector<app::Job*> due;
    for (auto& [id, job] : state_.jobs) {
      const bool ready = job.state == app::JobState::kReady && job.run_at <= now;
      const bool expired =
          job.state == app::JobState::kRunning && *job.locked_until <= now && job.attempts < job.attempts_max;
      if (ready || expired) due.push_back(&job);
    }
    std::stable_sort(due.begin(), due.end(),
                     [](const app::Job* a, const app::Job* b) { return a->run_at < b->run_at; });
    std::vector<app::Job> claimed;
    for (app::Job* job : due) {
      if (static_cast<int>(claimed.size()) == limit) break;
      job->state = app::JobState::kRunning;
      job->attempts += 1;
      job->locked_by = std::string(worker);
      job->locked_until = now + lease;
      claimed.push_back(*job);
    }
    return claimed;
  }

  Status Renew(JobId id, std::string_view worker, Timestamp locked_until) override {
    RAPPORT_ASSIGN_OR_RETURN(app::Job * job, Held(id, worker));
    job->locked_until = locked_until;
    return {};
  }

  Status Complete(JobId id, std::string_view worker, Timestamp now) override {
    RAPPORT_ASSIGN_OR_RETURN(app::Job * job, Held(id, worker));
    job->state = app::JobState::kDone;
    job->finished_at = now;
    Unlock(*job);
    return {};
  }

  Status Fail(JobId id, std::string_view worker, Timestamp now, std::string_view error,
              std::optional<Timestamp> retry_at) override {
    RAPPORT_ASSIGN_OR_RETURN(app::Job * job, Held(id, worker));
    job->last_error = std::string(error);
    if (retry_at && job->attempts < job->attempts_max) {
      job->state = app::JobState::kReady;
      job->run_at = *retry_at;
    } else {
      job->state = app::JobState::kDead;
      job->finished_at = now;
    }
    Unlock(*job);
    return {};
  }

  Result<std::optional<app::Job>> Find(JobId id) override {
    const auto found = state_.jobs.find(id.value());
    if (found == state_.jobs.end()) return std::optional<app::Job>();
    return std::optional<app::Job>(found->second);
  }

  Result<std::vector<app::Job>> List(app::JobState state, std::optional<JobId> before, int limit) override {
    std::vector<app::Job> listed;
    for (auto it = state_.jobs.rbegin(); it != state_.jobs.rend() && static_cast<int>(listed.size()) < limit; ++it) {
      if (it->second.state == state && (!before || it->second.id < *before)) listed.push_back(it->second);
    }
    return listed;
  }

  Result<app::JobCounts> Counts(Timestamp now) override {
    app::JobCounts counts;
    for (const auto& [id, job] : state_.jobs) {
      switch (job.state) {
        case app::JobState::kReady:
          ++counts.ready;
          if (job.run_at <= now) ++counts.ready_due;
          break;
        case app::JobState::kRunning: ++counts.running; break;
        case app::JobState::kDone: ++counts.done; break;
        case app::JobState::kDead: ++counts.dead; break;
      }
    }
    return counts;
  }

  Result<std::int64_t> PruneDone(Timestamp cutoff, int limit) override {
    std::int64_t deleted = 0;
    for (auto it = state_.jobs.begin(); it != state_.jobs.end() && deleted < limit;) {
      if (it->second.state == app::JobState::kDone && *it->second.finished_at < cutoff) {
        it = state_.jobs.erase(it);
        ++deleted;
      } else {
        ++it;
      }
    }
    return deleted;
  }

 private:
  Result<app::Job*> Held(JobId id, std::string_view worker) {
    const auto found = state_.jobs.find(id.value());
    if (found == state_.jobs.end() || found->second.state != app::JobState::kRunning ||
        found->second.locked_by != worker) {
      return Conflict("job " + std::to_string(id.value()) + " is not held by " + std::string(worker));
    }
    return &found->second;
  }
  static void Unlock(app::Job& job) {
    job.locked_by.clear();
    job.locked_until.reset();
  }

  FakeState& state_;
};

class FakeEventLog final : public app::EventLogReader, public app::EventLogWriter {
 public:
  FakeEventLog(FakeState& state, Timestamp now) : state_(state), now_(now) {}

  Result<EventSequence> Append(const app::NewEvent& event) override {
    if (event.kind.empty()) return InvalidArgument("event kind must not be empty");
    app::Event row{EventSequence(static_cast<std::int64_t>(state_.events.size()) + 1),
                   event.kind,
                   event.subject_type,
                   event.subject_id,
                   event.occurred_at,
                   now_,
                   event.actor,
                   event.payload_json};
    state_.events.push_back(row);
    return row.sequence;
  }
  Result<std::vector<app::Event>> ReadAfter(EventSequence after, int limit) override {
    std::vector<app::Event> read;
    for (const app::Event& event : state_.events) {
      if (event.sequence > after && static_cast<int>(read.size()) < limit) read.push_back(event);
    }
    return read;
  }
  Result<std::vector<app::Event>> ReadSubject(std::string_view, std::int64_t, std::optional<EventSequence>,
                                              int) override {
    return std::vector<app::Event>();
  }
  Result<std::vector<app::Event>> ReadSubjects(std::string_view, std::span<const std::int64_t>,
                                               std::span<const std::string>, std::optional<EventSequence>,
                                               int) override {
    return std::vector<app::Event>();
  }
  Result<EventSequence> LastSequence() override {
    return EventSequence(static_cast<std::int64_t>(state_.events.size()));
  }

 private:
  FakeState& state_;
  Timestamp now_;
};

class FakeCheckpoints final : public app::ConsumerCheckpoints {
 public:
  FakeCheckpoints(FakeState& state, const std::set<std::string, std::less<>>& held_elsewhere, Timestamp now)
      : state_(state), held_elsewhere_(held_elsewhere), now_(now) {}

  Result<std::optional<EventSequence>> Acquire(std::string_view consumer) override {
    if (held_elsewhere_.contains(consumer)) return std::optional<EventSequence>();
    auto [it, created] = state_.checkpoints.try_emplace(std::string(consumer));
    if (created) it->second = app::Checkpoint{std::string(consumer), EventSequence(0), now_};
    return std::optional<EventSequence>(it->second.position);
  }
  Status Advance(std::string_view consumer, EventSequence position) override {
    const auto found = state_.checkpoints.find(consumer);
    if (found == state_.checkpoints.end()) return NotFound("no checkpoint");
    RAPPORT_ASSERT(found->second.position <= position);
    found->second.position = position;
    found->second.updated_at = now_;
    return {};
  }
  Result<std::vector<app::Checkpoint>> List() override {
    std::vector<app::Checkpoint> listed;
    for (const auto& [name, checkpoint] : state_.checkpoints) listed.push_back(checkpoint);
    return listed;
  }

 private:
  FakeState& state_;
  const std::set<std::string, std::less<>>& held_elsewhere_;
  Timestamp now_;
};

class FakeDirectory final : public app::DirectoryReader, public app::DirectoryWriter {
 public:
  explicit FakeDirectory(FakeState& state) : state_(state) {}
  Result<std::vector<CompanyId>> InsertCompanies(std::span<const app::NewCompany> companies) override {
    std::vector<CompanyId> ids;
    for (std::size_t index = 0; index < companies.size(); ++index) ids.emplace_back(++state_.companies);
    return ids;
  }
  Result<std::vector<PurchaseId>> InsertPurchases(std::span<const app::NewPurchase>) override {
    return Internal("not faked");
  }
  Result<app::DirectoryCounts> Counts() override { return app::DirectoryCounts{.companies = state_.companies}; }
  Result<bool> ContactExists(ContactId) override { return false; }

 private:
  FakeState& state_;
};

// In-memory accounts with the port's uniqueness rules; no size limits.
class FakeAccounts final : public app::AccountsReader, public app::AccountsWriter {
 public:
  explicit FakeAccounts(FakeState& state) : state_(state) {}

  Result<std::optional<app::User>> FindUser(UserId id) override { return Find(state_.users, id.value()); }
  Result<std::optional<app::User>> FindUserByEmail(std::string_view email) override {
    for (const auto& [id, user] : state_.users) {
      if (user.email == email) return std::optional<app::User>(user);
    }
    return std::optional<app::User>();
  }
  Result<std::vector<app::User>> ListUsers() override { return Values(state_.users); }
  Result<std::int64_t> CountUsers() override { return static_cast<std::int64_t>(state_.users.size()); }
  Result<std::optional<app::Session>> FindSession(std::string_view token_digest) override {
    for (const auto& [id, session] : state_.sessions) {
      if (session.token_digest == token_digest) return std::optional<app::Session>(session);
    }
    return std::optional<app::Session>();
  }
  Result<std::optional<app::ApiToken>> FindToken(ApiTokenId id) override { return Find(state_.tokens, id.value()); }
  Result<std::optional<app::ApiToken>> FindTokenByDigest(std::string_view token_digest) override {
    for (const auto& [id, token] : state_.tokens) {
      if (token.token_digest == token_digest) return std::optional<app::ApiToken>(token);
    }
    return std::optional<app::ApiToken>();
  }
  Result<std::optional<app::ApiToken>> FindActiveTokenByName(std::string_view name) override {
    for (const auto& [id, token] : state_.tokens) {
      if (token.name == name && !token.revoked_at) return std::optional<app::ApiToken>(token);
    }
    return std::optional<app::ApiToken>();
  }
  Result<std::vector<app::ApiToken>> ListTokens() override { return Values(state_.tokens); }
  Result<std::vector<app::AuditRecord>> ListAudit(const app::AuditQuery& query) override {
    std::vector<app::AuditRecord> records;
    for (auto it = state_.audit.rbegin(); it != state_.audit.rend() && std::ssize(records) < query.limit; ++it) {
      if (query.before_sequence && it->sequence >= *query.before_sequence) continue;
      if (!query.actor.empty() && it->actor != query.actor) continue;
      if (!it->action.starts_with(query.action_prefix)) continue;
      records.push_back(*it);
    }
    return records;
  }
  Result<std::vector<app::AuditRecord>> ScanAudit(std::int64_t after_sequence, int limit) override {
    std::vector<app::AuditRecord> records;
    for (const app::AuditRecord& record : state_.audit) {
      if (record.sequence > after_sequence && std::ssize(records) < limit) records.push_back(record);
    }
    return records;
  }

  Result<UserId> InsertUser(const app::NewUser& user) override {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<app::User> existing, FindUserByEmail(user.email));
    if (existing) return AlreadyExists("e-mail taken");
    const std::int64_t id = state_.next_account_id++;
    state_.users[id] = app::User{UserId(id),         user.email, user.display_name, user.role,
                                 user.password_hash, false,      user.created_at,   user.created_at};
    return UserId(id);
  }
  Status UpdateUser(UserId id, const app::UserChange& change) override {
    auto found = state_.users.find(id.value());
    if (found == state_.users.end()) return NotFound("no such user");
    app::User& user = found->second;
    if (change.role) user.role = *change.role;
    if (change.password_hash) user.password_hash = *change.password_hash;
    if (change.disabled) user.disabled = *change.disabled;
    if (change.display_name) user.display_name = *change.display_name;
    user.updated_at = change.updated_at;
    return {};
  }
  Result<SessionId> InsertSession(const app::NewSession& session) override {
    const std::int64_t id = state_.next_account_id++;
    state_.sessions[id] =
        app::Session{SessionId(id),      session.token_digest, session.user_id, session.csrf_token, session.created_at,
                     session.created_at, session.expires_at,   session.remote,  session.user_agent};
    return SessionId(id);
  }
  Status TouchSession(SessionId id, Timestamp last_seen_at) override {
    auto found = state_.sessions.find(id.value());
    if (found == state_.sessions.end()) return NotFound("no such session");
    found->second.last_seen_at = last_seen_at;
    return {};
  }
  Result<std::int64_t> DeleteSession(SessionId id) override {
    return static_cast<std::int64_t>(state_.sessions.erase(id.value()));
  }
  Result<std::int64_t> DeleteSessionsOfUser(UserId user_id) override {
    return static_cast<std::int64_t>(
        std::erase_if(state_.sessions, [&](const auto& entry) { return entry.second.user_id == user_id; }));
  }
  Result<std::int64_t> DeleteOldestSessionsOfUser(UserId user_id, std::int64_t keep) override {
    std::vector<const app::Session*> sessions;  // ids grow with creation, so map order is age order
    for (const auto& [id, session] : state_.sessions) {
      if (session.user_id == user_id) sessions.push_back(&session);
    }
    const std::int64_t excess = std::max<std::int64_t>(0, std::ssize(sessions) - keep);
    std::vector<std::int64_t> doomed;
    for (std::int64_t index = 0; index < excess; ++index) doomed.push_back(sessions[index]->id.value());
    for (std::int64_t id : doomed) state_.sessions.erase(id);
    return excess;
  }
  Result<std::int64_t> DeleteExpiredSessions(Timestamp now, std::int64_t idle_timeout_us) override {
    return static_cast<std::int64_t>(std::erase_if(state_.sessions, [&](const auto& entry) {
      const app::Session& session = entry.second;
      return session.expires_at <= now || ToUnixMicros(session.last_seen_at) + idle_timeout_us <= ToUnixMicros(now);
    }));
  }
  Result<ApiTokenId> InsertToken(const app::NewApiToken& token) override {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<app::ApiToken> existing, FindActiveTokenByName(token.name));
    if (existing) return AlreadyExists("token name in force");
    const std::int64_t id = state_.next_account_id++;
    state_.tokens[id] = app::ApiToken{ApiTokenId(id),   token.name,       token.token_digest, token.role,
                                      token.created_by, token.created_at, std::nullopt,       std::nullopt};
    return ApiTokenId(id);
  }
  Result<bool> RevokeToken(ApiTokenId id, Timestamp at) override {
    auto found = state_.tokens.find(id.value());
    if (found == state_.tokens.end()) return NotFound("no such token");
    if (found->second.revoked_at) return false;
    found->second.revoked_at = at;
    return true;
  }
  Status TouchToken(ApiTokenId id, Timestamp last_used_at) override {
    auto found = state_.tokens.find(id.value());
    if (found == state_.tokens.end()) return NotFound("no such token");
    found->second.last_used_at = last_used_at;
    return {};
  }
  Result<app::AuditRecord> AppendAudit(const app::AuditEntry& entry) override {
    app::AuditRecord record{
        .sequence = std::ssize(state_.audit) + app::kAuditFirstSequence,
        .at = entry.at,
        .actor = entry.actor,
        .action = entry.action,
        .subject_type = entry.subject_type,
        .subject_id = entry.subject_id,
        .remote = entry.remote,
        .details_json = entry.details_json,
        .previous_hash = state_.audit.empty() ? std::string(app::kAuditGenesisHash) : state_.audit.back().hash,
        .hash = {}};
    record.hash = app::ChainHash(record.previous_hash, record);
    state_.audit.push_back(record);
    return record;
  }

 private:
  template <typename Value>
  static std::optional<Value> Find(const std::map<std::int64_t, Value>& values, std::int64_t id) {
    auto found = values.find(id);
    return found == values.end() ? std::nullopt : std::optional<Value>(found->second);
  }
  template <typename Value>
  static std::vector<Value> Values(const std::map<std::int64_t, Value>& values) {
    std::vector<Value> all;
    for (const auto& [id, value] : values) all.push_back(value);
    return all;
  }

  FakeState& state_;
};

// Relationships, card details and loyalty: the jobs runtime never touches them, so
// every method refuses. (The names inside are the ports' own, from app.)
namespace unsupported {
using namespace ::rapport::app;

class FakeRelationships final : public RelationshipsReader, public RelationshipsWriter {
 public:
  Result<std::optional<Contact>> GetContact(ContactId id) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<Contact>> GetContacts(std::span<const ContactId> ids) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<std::optional<ContactId>>> FindContactsByKey(ContactKey key,
                                                                  std::span<const std::string> values) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<ContactPage> ListContacts(const ContactQuery& query) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<Contact>> ScanContacts(const ContactFilter& filter, ContactId after, int limit) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::int64_t> CountContacts(const ContactFilter& filter) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::optional<Company>> GetCompany(CompanyId id) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::optional<CompanyId>> FindCompanyByName(std::string_view name) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::optional<CompanyId>> FindCompanyByExternalId(std::string_view external_id) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<CompanyPage> ListCompanies(const CompanyQuery& query) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<CustomFieldDefinition>> ListCustomFields() override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<DuplicateProbe>> DuplicateNeighbours(const DuplicateProbe& self, int limit) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<DuplicateProbe>> ScanProbes(ContactId after, int limit) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<DuplicateCandidate>> ListDuplicates(DuplicateStatus status,
                                                         std::optional<std::pair<int, DuplicateId>> after,
                                                         int limit) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::optional<DuplicateCandidate>> GetDuplicate(DuplicateId id) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::optional<ImportMapping>> GetImportMapping(std::string_view name) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<ImportMapping>> ListImportMappings() override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<std::vector<ContactId>> InsertContacts(std::span<const ContactRecord> contacts,
                                                Timestamp created_at) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status UpdateContacts(std::span<const std::pair<ContactId, ContactRecord>> contacts, Timestamp updated_at) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status SetMergedInto(ContactId id, std::optional<ContactId> survivor, Timestamp at) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status DeleteContact(ContactId id) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status LinkCompany(ContactId contact, const CompanyLink& link, Timestamp at) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status UnlinkCompany(ContactId contact, CompanyId company) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<CompanyId> InsertCompany(const CompanyProfile& company, Timestamp created_at) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status UpdateCompany(CompanyId id, const CompanyProfile& company, Timestamp updated_at) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<CustomFieldId> InsertCustomField(const CustomFieldDefinition& field) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status UpdateCustomField(const CustomFieldDefinition& field) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<DuplicateId> UpsertDuplicate(const DuplicateCandidate& candidate) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status DecideDuplicate(DuplicateId id, DuplicateStatus status, Timestamp at) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Result<ImportMappingId> SaveImportMapping(std::string_view name, std::string_view mapping_json,
                                            Timestamp at) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
  Status DeleteImportMapping(std::string_view name) override {
    return FailedPrecondition("relationships are not part of the jobs fake");
  }
};

class FakeCardDetails final : public CardDetailsReader, public CardDetailsWriter {
 public:
  Result<std::vector<Note>> ListNotes(ContactId contact, std::optional<NoteId> before, int limit) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::optional<Note>> GetNote(NoteId id) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<ContactId>> SearchNotes(std::span<const std::string> terms, std::optional<ContactId> before,
                                             int limit) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<Task>> ListTasks(const TaskQuery& query) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::optional<Task>> GetTask(TaskId id) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<ConsentEntry>> CurrentConsents(ContactId contact) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<ConsentEntry>> ConsentHistory(ContactId contact, std::optional<std::int64_t> before,
                                                   int limit) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<InterestCategory>> ListInterestCategories() override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<Interest>> ListInterests() override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<ContactInterest>> ContactInterests(ContactId contact) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::optional<MergeRecord>> GetMerge(MergeId id) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<MergeRecord>> MergesInto(ContactId survivor) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::vector<ContactId>> MergedContacts(ContactId survivor) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<NoteId> InsertNote(const Note& note) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Status UpdateNote(NoteId id, std::string_view body, Timestamp at) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Status DeleteNote(NoteId id) override { return FailedPrecondition("card details are not part of the jobs fake"); }
  Result<TaskId> InsertTask(const Task& task) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Status UpdateTask(const Task& task) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<std::int64_t> AppendConsent(const ConsentEntry& entry) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<InterestCategoryId> UpsertInterestCategory(std::string_view key, std::string_view name) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<InterestId> UpsertInterest(InterestCategoryId category, std::string_view key, std::string_view name) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Status SetContactInterest(ContactId contact, const ContactInterest& interest) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Status RemoveContactInterest(ContactId contact, InterestId interest, domain::InterestSource source) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<MovedRows> MoveContactRows(ContactId from, ContactId to) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Status RestoreContactRows(const MovedRows& rows, ContactId to, ContactId from) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Result<MergeId> InsertMerge(const MergeRecord& merge) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
  Status MarkMergeUndone(MergeId id, Timestamp at) override {
    return FailedPrecondition("card details are not part of the jobs fake");
  }
};

class FakeLoyalty final : public LoyaltyReader, public LoyaltyWriter {
 public:
  Result<std::optional<Purchase>> GetPurchase(PurchaseId) override { return Refused(); }
  Result<std::optional<Purchase>> FindPurchaseByExternalId(std::string_view) override { return Refused(); }
  Result<std::vector<Purchase>> ListPurchases(ContactId, std::optional<PurchaseId>, int) override { return Refused(); }
  Result<std::vector<Refund>> ListRefunds(PurchaseId) override { return Refused(); }
  Result<std::optional<Refund>> FindRefundByExternalId(PurchaseId, std::string_view) override { return Refused(); }
  Result<LoyaltyAccount> GetAccount(ContactId) override { return Refused(); }
  Result<std::vector<Lot>> ListOpenLots(ContactId) override { return Refused(); }
  Result<std::vector<Lot>> ListPurchaseLots(PurchaseId) override { return Refused(); }
  Result<std::vector<LedgerTransaction>> ListLedger(ContactId, std::optional<std::int64_t>, int) override {
    return Refused();
  }
  Result<Points> EarnedBetween(ContactId, Timestamp, Timestamp) override { return Refused(); }
  Result<std::vector<Lot>> DueReleases(Timestamp, int) override { return Refused(); }
  Result<std::vector<Lot>> DueExpiries(Timestamp, int) override { return Refused(); }
  Result<std::vector<ContactId>> InactiveMembers(Timestamp, int) override { return Refused(); }
  Result<LedgerCheck> CheckLedger(std::optional<ContactId>) override { return Refused(); }
  Result<std::optional<ProgrammeRules>> GetRules() override { return Refused(); }
  Result<std::optional<ProgrammeRules>> GetRulesVersion(std::int64_t) override { return Refused(); }
  Result<std::optional<IdempotencyRecord>> GetIdempotency(std::string_view, std::string_view) override {
    return Refused();
  }
  Result<std::vector<Purchase>> FindPurchasesByExternalIds(std::span<const std::string>) override { return Refused(); }
  Result<std::vector<ContactState>> GetContactStates(std::span<const ContactId>) override { return Refused(); }
  Result<std::vector<EarnedPoints>> ListEarnings(std::span<const ContactId>, Timestamp, Timestamp) override {
    return Refused();
  }
  Result<PurchaseId> InsertPurchase(const Purchase&) override { return Refused(); }
  Result<std::int64_t> InsertRefund(const Refund&) override { return Refused(); }
  Result<PostedTransaction> PostTransaction(const NewLedgerTransaction&) override { return Refused(); }
  Result<std::int64_t> PutRules(std::string_view, std::int64_t, Timestamp, std::string_view) override {
    return Refused();
  }
  Status PutIdempotency(const IdempotencyRecord&) override { return Refused(); }
  Result<std::int64_t> PruneIdempotency(Timestamp, int) override { return Refused(); }
  Result<std::vector<PurchaseId>> ImportPurchases(std::span<const ImportedPurchase>, std::string_view) override {
    return Refused();
  }
  Result<std::vector<std::string>> DeferImportIndexes(bool) override { return Refused(); }
  Result<std::optional<std::string>> BuildDeferredIndex() override { return Refused(); }

 private:
  static Status Refused() { return FailedPrecondition("loyalty is not part of the jobs fake"); }
};

class FakeRewards final : public RewardsReader, public RewardsWriter {
 public:
  Result<std::optional<Reward>> GetReward(std::int64_t) override { return Refused(); }
  Result<std::vector<Reward>> ListRewards(const RewardFilter&, std::optional<std::int64_t>, int) override {
    return Refused();
  }
  Result<std::optional<Redemption>> GetRedemption(std::int64_t) override { return Refused(); }
  Result<std::vector<Redemption>> ListRedemptions(ContactId, std::optional<std::int64_t>, int) override {
    return Refused();
  }
  Result<std::optional<Redemption>> FindRedemptionByExternalId(ContactId, std::string_view) override {
    return Refused();
  }
  Result<std::int64_t> ActiveQuantity(ContactId, std::int64_t) override { return Refused(); }
  Result<std::int64_t> InsertReward(const Reward&) override { return Refused(); }
  Status UpdateReward(const Reward&) override { return Refused(); }
  Status LockMember(ContactId) override { return Refused(); }
  Result<bool> TakeStock(std::int64_t, std::int64_t) override { return Refused(); }
  Status RestoreStock(std::int64_t, std::int64_t) override { return Refused(); }
  Result<std::int64_t> InsertRedemption(const Redemption&) override { return Refused(); }
  Status CancelRedemption(std::int64_t, std::int64_t, Timestamp) override { return Refused(); }

 private:
  static Status Refused() { return FailedPrecondition("rewards are not part of the jobs fake"); }
};

class FakeTiers final : public TiersReader, public TiersWriter {
 public:
  Result<std::optional<MemberTier>> GetMemberTier(ContactId) override { return Refused(); }
  Result<std::vector<MemberTier>> DueTierReviews(Timestamp, int) override { return Refused(); }
  Result<domain::TierQualifier> Qualifier(ContactId, std::string_view, Timestamp, Timestamp) override {
    return Refused();
  }
  Result<std::vector<TierCount>> CountMembersByTier() override { return Refused(); }
  Result<std::optional<BonusAward>> GetBonusAward(ContactId, std::string_view) override { return Refused(); }
  Result<std::vector<ContactId>> BirthdayMembers(std::span<const std::string>, std::optional<ContactId>, int) override {
    return Refused();
  }
  Status PutMemberTier(ContactId, const domain::TierStatus&) override { return Refused(); }
  Status InsertBonusAward(const BonusAward&) override { return Refused(); }

 private:
  static Status Refused() { return FailedPrecondition("tiers are not part of the jobs fake"); }
};

class FakeCoupons final : public CouponsReader, public CouponsWriter {
 public:
  Result<std::optional<Coupon>> GetCoupon(std::int64_t) override { return Refused(); }
  Result<std::optional<Coupon>> FindCouponByCode(std::string_view) override { return Refused(); }
  Result<std::vector<Coupon>> ListCoupons(const CouponFilter&, std::optional<std::int64_t>, int) override {
    return Refused();
  }
  Result<std::int64_t> CountCouponUses(std::int64_t, ContactId) override { return Refused(); }
  Result<std::vector<CouponUse>> ListCouponUses(ContactId, int) override { return Refused(); }
  Result<std::int64_t> InsertCoupon(const Coupon&) override { return Refused(); }
  Status UpdateCoupon(std::int64_t, bool, std::optional<Timestamp>, std::optional<std::int64_t>) override {
    return Refused();
  }
  Result<bool> TakeCouponUse(std::int64_t) override { return Refused(); }
  Result<std::int64_t> InsertCouponUse(const CouponUse&) override { return Refused(); }

 private:
  static Status Refused() { return FailedPrecondition("coupons are not part of the jobs fake"); }
};

class FakeReferrals final : public ReferralsReader, public ReferralsWriter {
 public:
  Result<std::optional<std::string>> GetReferralCode(ContactId) override { return Refused(); }
  Result<std::optional<ContactId>> FindReferrerByCode(std::string_view) override { return Refused(); }
  Result<std::optional<Referral>> GetReferralOf(ContactId) override { return Refused(); }
  Result<std::vector<Referral>> ListReferralsBy(ContactId, std::optional<std::int64_t>, int) override {
    return Refused();
  }
  Result<std::int64_t> CountRewardedReferrals(ContactId) override { return Refused(); }
  Status PutReferralCode(ContactId, std::string_view, Timestamp) override { return Refused(); }
  Result<std::int64_t> InsertReferral(const Referral&) override { return Refused(); }
  Status MarkReferralRewarded(std::int64_t, PurchaseId, Timestamp) override { return Refused(); }

 private:
  static Status Refused() { return FailedPrecondition("referrals are not part of the jobs fake"); }
};

}  // namespace unsupported

class FakeTransaction final : public app::WriteTransaction {
 public:
  FakeTransaction(FakeState& state, const std::set<std::string, std::less<>>& held_elsewhere, Timestamp now)
      : jobs_(state),
        events_(state, now),
        checkpoints_(state, held_elsewhere, now),
        directory_(state),
        accounts_(state) {}
  app::EventLogReader& Events() override { return events_; }
  app::JobQueue& Jobs() override { return jobs_; }
  app::DirectoryReader& Directory() override { return directory_; }
  app::EventLogWriter& EventsOut() override { return events_; }
  app::ConsumerCheckpoints& Checkpoints() override { return checkpoints_; }
  app::DirectoryWriter& DirectoryOut() override { return directory_; }
  app::AccountsReader& Accounts() override { return accounts_; }
  app::AccountsWriter& AccountsOut() override { return accounts_; }
  app::RelationshipsReader& Relationships() override { return relationships_; }
  app::RelationshipsWriter& RelationshipsOut() override { return relationships_; }
  app::CardDetailsReader& CardDetails() override { return card_details_; }
  app::CardDetailsWriter& CardDetailsOut() override { return card_details_; }
  app::LoyaltyReader& Loyalty() override { return loyalty_; }
  app::LoyaltyWriter& LoyaltyOut() override { return loyalty_; }
  app::RewardsReader& Rewards() override { return rewards_; }
  app::RewardsWriter& RewardsOut() override { return rewards_; }
  app::TiersReader& Tiers() override { return tiers_; }
  app::TiersWriter& TiersOut() override { return tiers_; }
  app::CouponsReader& Coupons() override { return coupons_; }
  app::CouponsWriter& CouponsOut() override { return coupons_; }
  app::ReferralsReader& Referrals() override { return referrals_; }
  app::ReferralsWriter& ReferralsOut() override { return referrals_; }

 private:
  FakeJobQueue jobs_;
  FakeEventLog events_;
  FakeCheckpoints checkpoints_;
  FakeDirectory directory_;
  FakeAccounts accounts_;
  unsupported::FakeRelationships relationships_;
  unsupported::FakeCardDetails card_details_;
  unsupported::FakeLoyalty loyalty_;
  unsupported::FakeRewards rewards_;
  unsupported::FakeTiers tiers_;
  unsupported::FakeCoupons coupons_;
  unsupported::FakeReferrals referrals_;
};

class FakeStore final : public app::Store {
 public:
  explicit FakeStore(const Clock& clock) : clock_(clock) {}

  app::StoreKind kind() const override { return app::StoreKind::kSqlite; }

  Status Write(WriteBody body) override {
    std::lock_guard lock(mutex_);
    ++stats_.write_commands;
    if (writes_to_fail_ > 0) {
      --writes_to_fail_;
      ++stats_.write_commands_failed;
      return Unavailable("injected write failure");
    }
    FakeState draft = state_;
    FakeTransaction transaction(draft, held_elsewhere_, clock_.Now());
    Status status = body(transaction);
    if (status.ok()) {
      state_ = std::move(draft);
      ++stats_.write_transactions;
    } else {
      ++stats_.write_commands_failed;
    }
    return status;
  }
  void WriteAsync(WriteBody body, WriteDone done) override { done(Write(std::move(body))); }
  Status Read(ReadBody body) override {
    std::lock_guard lock(mutex_);
    FakeState snapshot = state_;
    FakeTransaction transaction(snapshot, held_elsewhere_, clock_.Now());
    return body(transaction);
  }
  Status Ping() override { return {}; }
  Status Backup(const std::string&) override { return FailedPrecondition("not faked"); }
  Status Close() override { return {}; }
  app::StoreStats Stats() const override {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  // Fault injection and inspection for tests.
  void FailNextWrites(int count) {
    std::lock_guard lock(mutex_);
    writes_to_fail_ = count;
  }
  void HoldCheckpointElsewhere(std::string consumer, bool held) {
    std::lock_guard lock(mutex_);
    if (held) {
      held_elsewhere_.insert(std::move(consumer));
    } else {
      held_elsewhere_.erase(consumer);
    }
  }
  FakeState Snapshot() const {
    std::lock_guard lock(mutex_);
    return state_;
  }

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  FakeState state_;
  std::set<std::string, std::less<>> held_elsewhere_;
  int writes_to_fail_ = 0;
  app::StoreStats stats_;
};

}  // namespace rapport::jobs::testing
