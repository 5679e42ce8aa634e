// Running an import file through the store in batches: read a batch, write it
// in its own write transaction on the store's writer thread while this thread
// reads the next one. The contact and purchase imports share this loop; what
// a batch does is theirs.
//
// Thread safety: one run per thread; `process` runs on the store's writer
// thread, but never at the same time as the reading of the batch it is given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "transfer/sniffing_source.h"

#include "rapport/app/store.h"
#include "rapport/base/status.h"

namespace rapport::app::transfer {

// Reads rows in batches, one row ahead so that the last batch is known as
// such (it carries the record of the run). `Rows` has
// `Result<bool> Next(Row&)`: false at the end of the file.
template <typename Row, typename Rows>
class BatchReader {
 public:
  BatchReader(Rows& rows, std::size_t batch_rows) : rows_(rows), batch_rows_(batch_rows) {}

  bool done() const { return end_; }

  // The next batch into `batch` (emptied first); may be empty only for an
  // empty file.
  Status Next(std::vector<Row>& batch) {
    batch.clear();
    batch.reserve(batch_rows_);
    if (have_carry_) {
      batch.push_back(std::move(carry_));
      have_carry_ = false;
    }
    while (batch.size() < batch_rows_) {
      Row row;
      RAPPORT_ASSIGN_OR_RETURN(const bool got, rows_.Next(row));
      if (!got) {
        end_ = true;
        return Status();
      }
      batch.push_back(std::move(row));
    }
    carry_ = Row();
    RAPPORT_ASSIGN_OR_RETURN(const bool got, rows_.Next(carry_));
    have_carry_ = got;
    end_ = !got;
    return Status();
  }

 private:
  Rows& rows_;
  const std::size_t batch_rows_;
  Row carry_{};
  bool have_carry_ = false;
  bool end_ = false;
};

// Reads the whole of `rows`. With `single`, every batch goes into that one
// transaction (an all-or-nothing import); with `dry`, each batch is looked up
// in a read (a dry run); otherwise each batch is written in its own write
// transaction while the next is read. `process(read, write, batch, last)`
// handles a batch (`write` is null in a dry run); `done(bytes_read)` follows
// each handled batch with how far into the file it reached. The first error
// ends the run; batches written before it stay.
template <typename Row, typename Rows, typename Process, typename Done>
Status RunBatches(Store& store, Rows& rows, std::size_t batch_rows, const SniffingSource& source, bool dry,
                  WriteTransaction* single, Process process, Done done) {
  BatchReader<Row, Rows> reader(rows, batch_rows);
  if (single != nullptr || dry) {
    std::vector<Row> batch;
    while (!reader.done()) {
      RAPPORT_RETURN_IF_ERROR(reader.Next(batch));
      const bool last = reader.done();
      if (single != nullptr) {
        RAPPORT_RETURN_IF_ERROR(process(*single, single, batch, last));
      } else {
        RAPPORT_RETURN_IF_ERROR(
            store.Read([&](ReadTransaction& transaction) { return process(transaction, nullptr, batch, false); }));
      }
      RAPPORT_RETURN_IF_ERROR(done(source.bytes_read()));
    }
    return Status();
  }
  // Two batches: the one being written and the one being read. Nothing
  // returns while a write is in flight (it uses `process` and its batch).
  std::vector<Row> batches[2];
  std::optional<std::future<Status>> in_flight;
  std::uint64_t in_flight_bytes = 0;
  const auto land = [&]() -> Status {
    if (!in_flight.has_value()) return Status();
    Status written = in_flight->get();
    in_flight.reset();
    RAPPORT_RETURN_IF_ERROR(written);
    return done(in_flight_bytes);
  };
  for (int current = 0; !reader.done(); current = 1 - current) {
    std::vector<Row>& batch = batches[current];
    const Status read = reader.Next(batch);
    const Status landed = land();
    RAPPORT_RETURN_IF_ERROR(landed);
    RAPPORT_RETURN_IF_ERROR(read);
    const bool last = reader.done();
    auto promise = std::make_shared<std::promise<Status>>();
    in_flight = promise->get_future();
    in_flight_bytes = source.bytes_read();
    store.WriteAsync([&process, &batch,
                      last](WriteTransaction& transaction) { return process(transaction, &transaction, batch, last); },
                     [promise](Status status) { promise->set_value(std::move(status)); });
  }
  return land();
}

}  // namespace rapport::app::transfer
