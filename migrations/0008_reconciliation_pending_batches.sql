-- The batches whose completion marked a cell for its incremental run: the run made of the cells
-- names them in its `reconciliation.run_started` audit entry (what started it). See docs/evidence.md.
ALTER TABLE reconciliation_pending ADD COLUMN batch_ids uuid[] NOT NULL DEFAULT '{}';
