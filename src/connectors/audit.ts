/**
 * Connector changes in the hub's audit chain (src/evidence): created, updated, paused (by hand or
 * after failures), resumed, a run replayed. Appended in the transaction of the change. A database
 * without the audit chain's table (a hub migrated before it existed) records nothing.
 */
import type { Queryable } from '../db/pool.js';
import { appendAudit, type HubAuditType } from '../evidence/audit.js';

/** connector.created, .updated, .paused, .resumed, .run_replayed (listed in hubAuditTypes). */
export type ConnectorAuditType = Extract<HubAuditType, `connector.${string}`>;

export async function auditConnector(
  db: Queryable,
  e: { type: ConnectorAuditType; actor: string; instanceId: string; data?: Record<string, unknown> },
): Promise<void> {
  const { rows } = await db.query<{ present: boolean }>(
    `SELECT to_regclass('audit_log') IS NOT NULL AS present`,
  );
  if (!rows[0]?.present) return;
  await appendAudit(db, {
    type: e.type,
    actor: e.actor,
    subject: `connector:${e.instanceId}`,
    data: e.data ?? {},
  });
}
