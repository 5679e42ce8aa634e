// A Store whose every operation answers a configured Status without touching
// a database: for the scenarios where the store fails (503/500 problems).
// Bodies are never run, so no transaction objects are needed.
//
// Thread safety: the statuses are set before the server starts.
#pragma once

#include "rapport/app/store.h"

namespace rapport::api_test {

class FailingStore final : public app::Store {
 public:
  explicit FailingStore(Status failure) : failure_(std::move(failure)) {}

  app::StoreKind kind() const override { return app::StoreKind::kSqlite; }
  Status Write(WriteBody) override { return failure_; }
  void WriteAsync(WriteBody, WriteDone done) override { done(failure_); }
  Status Read(ReadBody) override { return failure_; }
  Status Ping() override { return failure_; }
  Status Backup(const std::string&) override { return failure_; }
  Status Close() override { return Status::Ok(); }
  app::StoreStats Stats() const override { return {}; }

 private:
  Status failure_;
};

}  // namespace rapport::api_test
