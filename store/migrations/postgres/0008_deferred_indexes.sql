-- Secondary indexes dropped for a bulk load and built again after it
-- (app::LoyaltyWriter::DeferImportIndexes). The definition is recorded in
-- the transaction that drops the index, so a load that dies midway loses
-- nothing: opening the store builds every index still recorded here.
CREATE TABLE deferred_indexes (
  name TEXT PRIMARY KEY CHECK (length(name) > 0),
  definition TEXT NOT NULL CHECK (length(definition) > 0),
  deferred_at_us BIGINT NOT NULL
);
