import type { BatchCounts } from '../../db/queries/batches.js';
import type { Issue } from '../../standard/issue.js';
import { isRecordType } from '../../standard/record-types.js';

export type TypeCounts = {
  received: number;
  stored: number;
  invalid: number;
  voided: number;
  rejected: number;
  warnings: number;
  errors: number;
};

export function emptyTypeCounts(): TypeCounts {
  return { received: 0, stored: 0, invalid: 0, voided: 0, rejected: 0, warnings: 0, errors: 0 };
}

/** The record type as submitted, or 'unknown' for a record without a valid one. */
export function recordTypeOf(record: unknown): string {
  const t = (record as { recordType?: unknown } | null)?.recordType;
  return isRecordType(t) ? t : 'unknown';
}

/** Adds per-type counts together (chunks into a batch). */
export function addCounts(
  into: Record<string, TypeCounts>,
  from: Record<string, Partial<TypeCounts>>,
): Record<string, TypeCounts> {
  for (const [type, c] of Object.entries(from)) {
    const t = (into[type] ??= emptyTypeCounts());
    for (const k of Object.keys(t) as (keyof TypeCounts)[]) t[k] += c[k] ?? 0;
  }
  return into;
}

export function summarise(byType: Record<string, Partial<TypeCounts>>, issues?: Issue[]): BatchCounts {
  const merged = addCounts({}, byType);
  const totals = emptyTypeCounts();
  for (const c of Object.values(merged))
    for (const k of Object.keys(totals) as (keyof TypeCounts)[]) totals[k] += c[k];
  if (issues) {
    totals.errors = issues.filter((i) => i.severity === 'error').length;
    totals.warnings = issues.length - totals.errors;
  }
  return { byType: merged, totals };
}
