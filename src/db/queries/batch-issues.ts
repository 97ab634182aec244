import type { Issue } from '../../standard/issue.js';
import type { Queryable } from '../pool.js';

/** Stores a chunk's issues in one statement. */
export async function insertIssues(db: Queryable, batchId: string, issues: readonly Issue[]): Promise<void> {
  if (issues.length === 0) return;
  await db.query(
    `INSERT INTO batch_issues (batch_id, record_index, record_type, record_key, path, code, severity, message, message_fr)
     SELECT $1, x."recordIndex", x."recordType", x.key, x.path, x.code, x.severity, x.message, x."messageFr"
     FROM json_to_recordset($2::json) AS x("recordIndex" int, "recordType" text, key text, path text, code text,
                                          severity text, message text, "messageFr" text)`,
    [batchId, JSON.stringify(issues)],
  );
}

export interface IssueFilter {
  batchId: string;
  severity?: 'error' | 'warning';
  code?: string;
  recordType?: string;
  afterId?: number;
  limit: number;
}

export interface IssueRow {
  id: number;
  record_index: number | null;
  record_type: string | null;
  record_key: string | null;
  path: string;
  code: string;
  severity: 'error' | 'warning';
  message: string;
  message_fr: string;
}

export async function listIssues(db: Queryable, f: IssueFilter): Promise<IssueRow[]> {
  const { rows } = await db.query<IssueRow>(
    `SELECT id, record_index, record_type, record_key, path, code, severity, message, message_fr
     FROM batch_issues
     WHERE batch_id = $1 AND ($2::text IS NULL OR severity = $2) AND ($3::text IS NULL OR code = $3)
       AND ($4::text IS NULL OR record_type = $4) AND ($5::bigint IS NULL OR id > $5)
     ORDER BY id LIMIT $6`,
    [f.batchId, f.severity ?? null, f.code ?? null, f.recordType ?? null, f.afterId ?? null, f.limit],
  );
  return rows;
}

export async function countIssuesByCode(
  db: Queryable,
  batchId: string,
): Promise<{ code: string; severity: string; count: number }[]> {
  const { rows } = await db.query<{ code: string; severity: string; count: number }>(
    `SELECT code, severity, count(*)::int AS count FROM batch_issues WHERE batch_id = $1 GROUP BY code, severity ORDER BY count DESC`,
    [batchId],
  );
  return rows;
}
