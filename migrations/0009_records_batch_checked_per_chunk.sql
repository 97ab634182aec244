-- The record tables and record_history name the batch each version came from (batch_id). Until now
-- a foreign key checked it: one lookup of `batches` (SELECT ... FOR KEY SHARE) for EVERY row
-- written, about a fifth of the cost of storing a chunk. The same guarantee, without the per-row
-- work:
--
--   * on write: persistence (src/records/persist.ts, the only writer of these tables) checks the
--     batch once per chunk, in the chunk's transaction, with the lock the foreign key took
--     (SELECT ... FROM batches WHERE id = $1 FOR KEY SHARE): the batch exists and cannot be deleted
--     until the chunk commits;
--   * on delete: a batch that any record version names cannot be deleted (the trigger below raises
--     foreign_key_violation, as the foreign key did). Batches are never deleted by the hub.

ALTER TABLE mine_sites DROP CONSTRAINT mine_sites_batch_id_fkey;
ALTER TABLE actors DROP CONSTRAINT actors_batch_id_fkey;
ALTER TABLE licences DROP CONSTRAINT licences_batch_id_fkey;
ALTER TABLE inspections DROP CONSTRAINT inspections_batch_id_fkey;
ALTER TABLE lots DROP CONSTRAINT lots_batch_id_fkey;
ALTER TABLE custody_transfers DROP CONSTRAINT custody_transfers_batch_id_fkey;
ALTER TABLE exports DROP CONSTRAINT exports_batch_id_fkey;
ALTER TABLE imports DROP CONSTRAINT imports_batch_id_fkey;
ALTER TABLE certificates DROP CONSTRAINT certificates_batch_id_fkey;
ALTER TABLE record_history DROP CONSTRAINT record_history_batch_id_fkey;

-- Each probe uses an index that starts with batch_id (<table>_batch, record_history's primary key).
CREATE FUNCTION rmdx_batch_has_records(batch uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT FROM mine_sites WHERE batch_id = batch)
      OR EXISTS (SELECT FROM actors WHERE batch_id = batch)
      OR EXISTS (SELECT FROM licences WHERE batch_id = batch)
      OR EXISTS (SELECT FROM inspections WHERE batch_id = batch)
      OR EXISTS (SELECT FROM lots WHERE batch_id = batch)
      OR EXISTS (SELECT FROM custody_transfers WHERE batch_id = batch)
      OR EXISTS (SELECT FROM exports WHERE batch_id = batch)
      OR EXISTS (SELECT FROM imports WHERE batch_id = batch)
      OR EXISTS (SELECT FROM certificates WHERE batch_id = batch)
      OR EXISTS (SELECT FROM record_history WHERE batch_id = batch)
$$;

CREATE FUNCTION rmdx_batches_keep_referenced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF rmdx_batch_has_records(OLD.id) THEN
    RAISE EXCEPTION 'batch % cannot be deleted: records were stored from it', OLD.id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN OLD;
END
$$;

CREATE TRIGGER batches_keep_referenced BEFORE DELETE ON batches
  FOR EACH ROW EXECUTE FUNCTION rmdx_batches_keep_referenced();
