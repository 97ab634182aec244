/**
 * Records: normalisation into canonical rows, set-based persistence with history, and reads
 * (listing, history, lot trace). The tables are in migrations/0002_records.sql; record_history
 * holds superseded versions only since migrations/0007_history_superseded_only.sql.
 */
export { InvalidCursorError, UnsupportedFilterError } from './errors.js';
export {
  canonicalRow,
  normaliseRecord,
  type NormaliseContext,
  type NormalisedRow,
} from './normalise/index.js';
export { persistRecords, type PersistBatch, type PersistCounts, type PersistItem } from './persist.js';
export {
  listRecords,
  recordHistory,
  storedKey,
  versionCanonical,
  type HistoryEntry,
  type PageRequest,
  type RecordFilters,
  type RecordPage,
  type StoredRecord,
} from './queries.js';
export { siteStatusAt, type MineStatus, type SiteStatusAt } from './site-status.js';
export { tableSpecs, type CanonicalRow, type TableSpec } from './table-specs.js';
export { lotTree, traceLot, type LotTrace, type TraceTreeNode } from './trace.js';
