#include "repositories/checkpoints.h"

#include <string>

namespace rapport::store {
namespace {

// Consumer names are identifiers chosen by the code ("segments", "webhooks").
constexpr std::size_t kConsumerNameBytesMax = 200;

Status ValidateConsumer(std::string_view consumer) {
  if (consumer.empty()) return InvalidArgument("consumer name must not be empty");
  if (consumer.size() > kConsumerNameBytesMax) {
    return InvalidArgument("consumer name over " + std::to_string(kConsumerNameBytesMax) + " bytes");
  }
  return {};
}

Result<std::optional<EventSequence>> QueryPosition(SqlSession& session, std::string_view query_name,
                                                   std::string_view consumer) {
  const SqlParam params[] = {consumer};
  std::optional<EventSequence> position;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) {
    position = EventSequence(row.Int(0));
    return Status();
  }));
  return position;
}

}  // namespace

Result<std::optional<EventSequence>> SqlCheckpoints::Acquire(std::string_view consumer) {
  RAPPORT_RETURN_IF_ERROR(ValidateConsumer(consumer));
  const SqlParam create_params[] = {consumer, ToUnixMicros(now_)};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("checkpoint_create", create_params).status());
  return QueryPosition(session_, "checkpoint_lock", consumer);
}

Status SqlCheckpoints::Advance(std::string_view consumer, EventSequence position) {
  RAPPORT_RETURN_IF_ERROR(ValidateConsumer(consumer));
  RAPPORT_ASSIGN_OR_RETURN(std::optional<EventSequence> current,
                           QueryPosition(session_, "checkpoint_position", consumer));
  if (!current) return NotFound("consumer '" + std::string(consumer) + "' has no checkpoint; Acquire it first");
  RAPPORT_ASSERT_MSG(*current <= position, "a consumer checkpoint must not move backwards");
  const SqlParam params[] = {consumer, position.value(), ToUnixMicros(now_)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("checkpoint_advance", params));
  RAPPORT_ASSERT(changed == 1);
  return {};
}

Result<std::vector<app::Checkpoint>> SqlCheckpoints::List() {
  std::vector<app::Checkpoint> checkpoints;
  RAPPORT_RETURN_IF_ERROR(session_.Query("checkpoint_list", {}, [&](const SqlRow& row) {
    checkpoints.push_back(
        app::Checkpoint{std::string(row.Text(0)), EventSequence(row.Int(1)), FromUnixMicros(row.Int(2))});
    return Status();
  }));
  return checkpoints;
}

}  // namespace rapport::store
