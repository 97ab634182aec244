-- record_history keeps SUPERSEDED versions only. Until now every received record was written twice:
-- once as the current row of its table and once into record_history (with a `canonical` jsonb built
-- for that row). From here:
--
--   * the record tables hold the current version of each key, as before (version = the number of
--     versions of the key so far);
--   * record_history holds every OTHER version: the row a newer version or a void replaced, copied
--     by the same statement that replaces it, and a version that arrived after a newer one (a late
--     batch, an earlier occurrence of a key in one chunk), which is never current;
--   * every version of a key = its record_history rows ∪ its current row, ordered by
--     (batch_seq, record_index); a key seen once writes one row.
--
-- (batch_id, record_index) still identifies a received record across both: it is in history or it
-- is the current row, never both, so a rerun of a chunk finds every record already stored.
--
-- The canonical columns of a superseded version are not kept: they are what the hub's normalisation
-- makes of `received` (src/records/queries.ts derives them when history is read). recorded_at of a
-- superseded version is when it was stored (the replaced row's updated_at).

-- Existing data: the history row of each current version duplicates the current row; drop it.
DELETE FROM record_history h USING mine_sites t
 WHERE h.record_type = 'mineSite' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.site_id;
DELETE FROM record_history h USING actors t
 WHERE h.record_type = 'actor' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.actor_id;
DELETE FROM record_history h USING licences t
 WHERE h.record_type = 'licence' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.licence_id;
DELETE FROM record_history h USING inspections t
 WHERE h.record_type = 'inspection' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.inspection_id;
DELETE FROM record_history h USING lots t
 WHERE h.record_type = 'lot' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.lot_number;
DELETE FROM record_history h USING custody_transfers t
 WHERE h.record_type = 'custodyTransfer' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.transfer_id;
DELETE FROM record_history h USING exports t
 WHERE h.record_type = 'export' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.export_id;
DELETE FROM record_history h USING imports t
 WHERE h.record_type = 'import' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.import_id;
DELETE FROM record_history h USING certificates t
 WHERE h.record_type = 'certificate' AND h.batch_id = t.batch_id AND h.record_index = t.record_index
   AND h.country = t.country AND h.key = t.certificate_key;

ALTER TABLE record_history DROP COLUMN canonical;

COMMENT ON TABLE record_history IS
  'Superseded versions of records (replaced by a newer version or a void, or arrived after a newer one); the current version of each key is the row of its record table. Every version of a key = these rows ∪ the current row, by (batch_seq, record_index). See migrations/0007_history_superseded_only.sql.';
