/**
 * Running a mapping over source rows: pick the row's source, rename its columns by the crosswalk,
 * evaluate the source's expression (fast path, else jsonata), and collect records or issues. A row
 * that cannot be mapped yields issues (row number, column, value, reason) and no record; the other
 * rows go on.
 */
import type { SourceRow } from '../contract.js';
import {
  describeIssue,
  issueValue,
  type IssueDetail,
  type MappingIssue,
  type MappingIssueCode,
} from '../mapping-issues.js';
import { BAIL, type FastScope } from './compile.js';
import { codeKey } from './crosswalks.js';
import { createHelpers, HelperUsageError } from './helpers.js';
import type { CompiledSource, Mapping } from './manifest.js';

/** A standard record as produced by a mapping (validated later, by the standard's validator). */
export type MappedRecord = Record<string, unknown> & { recordType: string };

/** Which row a record came from, so a validation issue can be told in the source's terms. */
export interface RowOrigin {
  source: string;
  stream: string;
  rowNumber: number;
  file?: string;
  sheet?: string;
  sourceId?: string;
}

export interface MapStats {
  /** Rows seen. */
  rows: number;
  /** Rows that produced at least one record. */
  mapped: number;
  /** Rows that produced no record because of an issue. */
  rejected: number;
  /** Rows the expression chose to leave out (it returned nothing) or ignored streams. */
  skipped: number;
  /** Records produced. */
  records: number;
  /** Rows evaluated by the compiled fast path, and by jsonata itself. */
  fastPathRows: number;
  jsonataRows: number;
}

export interface MapResult {
  records: MappedRecord[];
  /** origins[i] is where records[i] came from. */
  origins: RowOrigin[];
  issues: MappingIssue[];
  stats: MapStats;
}

export interface MapOptions {
  /** The member state whose data this is; the expressions see it as `$reportingCountry`. */
  reportingCountry?: string;
  /** Overrides the manifest's time zone offset (an instance may know better). */
  timezone?: string;
  /** Other variables for the expressions (`$name`). */
  variables?: Record<string, unknown>;
  /** "jsonata" forces the reference evaluator (tests compare both). @defaultValue "auto" */
  engine?: 'auto' | 'jsonata';
}

interface StreamPlan {
  source: CompiledSource | null;
  ignored: boolean;
  /** field → header as in the file, for crosswalked columns. */
  bound: [field: string, header: string][];
  /** Headers not in the crosswalk, kept under their own name. */
  passthrough: string[];
  /** field/header name in the prepared row → column as the user knows it. */
  columnOf: Map<string, string>;
  /** Set when a required column is missing: the stream's rows are not mapped. */
  missing: string | null;
}

const emptyStats = (): MapStats => ({
  rows: 0,
  mapped: 0,
  rejected: 0,
  skipped: 0,
  records: 0,
  fastPathRows: 0,
  jsonataRows: 0,
});

/** Finds where a value sits in a row: its key, or a dotted path in nested API items. */
function findPath(data: unknown, value: unknown, depth = 0): string | null {
  if (!data || typeof data !== 'object' || depth > 3) return null;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      if (data[i] === value) return `[${i}]`;
      const inner = findPath(data[i], value, depth + 1);
      if (inner !== null) return `[${i}]${inner.startsWith('[') ? '' : '.'}${inner}`;
    }
    return null;
  }
  for (const [k, v] of Object.entries(data)) if (v === value) return k;
  for (const [k, v] of Object.entries(data)) {
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const inner = findPath(v, value, depth + 1);
      if (inner !== null) return `${k}${inner.startsWith('[') ? '' : '.'}${inner}`;
    }
  }
  return null;
}

/** Maps rows page after page, keeping per-stream state (column plans, issues said once). */
export class Mapper {
  readonly totals: MapStats = emptyStats();
  private readonly plans = new Map<string, StreamPlan>();
  private lastPlan: {
    stream: string;
    file: string | undefined;
    sheet: string | undefined;
    plan: StreamPlan;
  } | null = null;
  private readonly bindings: Record<string, unknown>;
  private readonly jsonataBindings: Record<string, unknown>;
  private readonly scope: FastScope;
  private readonly nullValues: Set<string>;
  private readonly forceJsonata: boolean;

  // The row being mapped (rows are mapped one at a time).
  private row: SourceRow | null = null;
  private prepared: Record<string, unknown> = {};
  private plan: StreamPlan | null = null;
  private rowIssues: { code: MappingIssueCode; value: unknown; detail: IssueDetail }[] = [];

  constructor(
    readonly mapping: Mapping,
    opts: MapOptions = {},
  ) {
    const timezone = opts.timezone ?? mapping.options.timezone;
    const helpers = createHelpers(
      {
        decimalSeparator: mapping.options.decimalSeparator,
        dateOrder: mapping.options.dateOrder,
        timezone,
        codeTables: mapping.codeTables,
      },
      { report: (code, value, detail) => this.rowIssues.push({ code, value, detail }) },
    );
    this.bindings = {
      ...opts.variables,
      reportingCountry: opts.reportingCountry,
      timezone,
      mappingId: mapping.id,
    };
    this.jsonataBindings = { ...this.bindings, ...helpers };
    this.scope = { bindings: this.bindings, helpers };
    this.nullValues = mapping.options.nullValues;
    this.forceJsonata = opts.engine === 'jsonata';
  }

  private planFor(row: SourceRow, issues: MappingIssue[]): StreamPlan {
    const last = this.lastPlan;
    if (last && last.stream === row.stream && last.file === row.file && last.sheet === row.sheet)
      return last.plan;
    const planKey = `${row.file ?? ''}\0${row.sheet ?? ''}\0${row.stream}`;
    let plan = this.plans.get(planKey);
    if (plan) {
      this.lastPlan = { stream: row.stream, file: row.file, sheet: row.sheet, plan };
      return plan;
    }
    const name = row.sheet ?? row.stream;
    const ignored = this.mapping.ignore.some((re) => re.test(name) || re.test(row.stream));
    const source = ignored
      ? null
      : (this.mapping.sources.find((s) => s.patterns.some((re) => re.test(row.stream) || re.test(name))) ??
        null);
    plan = { source, ignored, bound: [], passthrough: [], columnOf: new Map(), missing: null };
    if (!source && !ignored) {
      const names = this.mapping.sources.map((s) => [s.spec.match].flat().join(', ')).join('; ');
      issues.push(
        this.issue(row, 'RMDX_MAP_NO_SOURCE', null, row.stream, {
          reason: ` (expected: ${names})`,
          reasonFr: ` (attendu : ${names})`,
        }),
      );
    }
    if (source?.columns) {
      const headers = Object.keys(row.data);
      const byKey = new Map<string, string>();
      for (const h of headers) if (!byKey.has(codeKey(h))) byKey.set(codeKey(h), h);
      const used = new Set<string>();
      for (const col of source.columns) {
        const header = col.keys.map((k) => byKey.get(k)).find((h) => h !== undefined);
        if (header === undefined) {
          if (col.required && plan.missing === null) {
            plan.missing = col.headers[0]!;
            issues.push({
              ...this.issue(row, 'RMDX_MAP_MISSING_COLUMN', col.headers[0]!, null),
              rowNumber: row.file || row.sheet ? 1 : row.rowNumber,
            });
          }
          continue;
        }
        used.add(header);
        plan.bound.push([col.field, header]);
        plan.columnOf.set(col.field, header);
      }
      for (const h of headers) {
        if (used.has(h)) continue;
        plan.passthrough.push(h);
        plan.columnOf.set(h, h);
      }
    }
    this.plans.set(planKey, plan);
    this.lastPlan = { stream: row.stream, file: row.file, sheet: row.sheet, plan };
    return plan;
  }

  private clean(v: unknown): unknown {
    if (typeof v === 'string') {
      const t = v.trim();
      if (t === '' || (this.nullValues.size > 0 && this.nullValues.has(t.toLowerCase()))) return undefined;
      return t;
    }
    return v === null ? undefined : v;
  }

  private issue(
    row: SourceRow,
    code: MappingIssueCode,
    column: string | null,
    value: unknown,
    detail: IssueDetail = {},
  ): MappingIssue {
    const text = issueValue(value);
    return {
      rowNumber: row.rowNumber,
      stream: row.stream,
      ...(row.file !== undefined && { file: row.file }),
      ...(row.sheet !== undefined && { sheet: row.sheet }),
      ...(row.sourceId !== undefined && { sourceId: row.sourceId }),
      column,
      value: text,
      code,
      ...describeIssue(code, column, text, detail),
    };
  }

  /** The column that holds a value the helpers could not read. */
  private columnOfValue(value: unknown): string | null {
    const plan = this.plan;
    if (plan && plan.columnOf.size > 0) {
      for (const [key, v] of Object.entries(this.prepared)) {
        if (v === value) return plan.columnOf.get(key) ?? key;
      }
      return null;
    }
    return findPath(this.prepared, value);
  }

  /** Maps one page of rows. */
  async mapPage(rows: Iterable<SourceRow>): Promise<MapResult> {
    const out: MapResult = { records: [], origins: [], issues: [], stats: emptyStats() };
    const stats = out.stats;
    for (const row of rows) {
      stats.rows++;
      const plan = this.planFor(row, out.issues);
      const source = plan.source;
      if (!source) {
        if (plan.ignored) stats.skipped++;
        else stats.rejected++;
        continue;
      }
      if (plan.missing !== null) {
        stats.rejected++;
        continue;
      }
      if (row.malformed !== undefined) {
        out.issues.push(
          this.issue(row, 'RMDX_MAP_MALFORMED_ROW', null, null, { reason: `: ${row.malformed}` }),
        );
        stats.rejected++;
        continue;
      }
      let prepared: Record<string, unknown>;
      if (source.columns) {
        prepared = {};
        const data = row.data;
        for (const [field, header] of plan.bound) prepared[field] = this.clean(data[header]);
        for (const header of plan.passthrough) prepared[header] = this.clean(data[header]);
      } else prepared = row.data;
      this.row = row;
      this.plan = plan;
      this.prepared = prepared;
      this.rowIssues.length = 0;

      let result: unknown;
      let failure: string | null = null;
      let done = false;
      if (source.fast && !this.forceJsonata) {
        try {
          result = source.fast(prepared, this.scope);
          done = true;
          stats.fastPathRows++;
        } catch (err) {
          if (err !== BAIL) {
            failure = (err as Error)?.message ?? String(err);
            done = true;
          }
          this.rowIssues.length = 0;
        }
      }
      if (!done) {
        stats.jsonataRows++;
        try {
          result = plain(await source.expression.evaluate(prepared, this.jsonataBindings));
        } catch (err) {
          failure = jsonataMessage(err);
        }
      }

      if (failure !== null) {
        this.rowIssues.length = 0;
        out.issues.push(
          this.issue(row, 'RMDX_MAP_EXPRESSION_FAILED', null, null, { reason: `: ${failure}` }),
        );
        stats.rejected++;
        continue;
      }
      if (this.rowIssues.length > 0) {
        out.issues.push(...this.collectRowIssues(row));
        stats.rejected++;
        continue;
      }
      if (result === undefined || result === null) {
        stats.skipped++;
        continue;
      }
      const produced = Array.isArray(result) ? result : [result];
      const records: MappedRecord[] = [];
      let bad: string | null = null;
      for (const item of produced) {
        if (!item || typeof item !== 'object' || Array.isArray(item) || item instanceof Date) {
          bad = `: expected an object, got ${JSON.stringify(item)?.slice(0, 80)}`;
          break;
        }
        let rec = item as Record<string, unknown>;
        if (rec.recordType === undefined && source.recordTypes.length === 1) {
          rec = { recordType: source.recordTypes[0], ...rec };
        }
        if (!source.recordTypes.includes(rec.recordType as never)) {
          bad = `: recordType ${JSON.stringify(rec.recordType)} is not one source "${source.spec.name}" declares (${source.recordTypes.join(', ')})`;
          break;
        }
        records.push(rec as MappedRecord);
      }
      if (bad !== null) {
        out.issues.push(this.issue(row, 'RMDX_MAP_BAD_OUTPUT', null, null, { reason: bad }));
        stats.rejected++;
        continue;
      }
      if (records.length === 0) {
        stats.skipped++;
        continue;
      }
      const origin: RowOrigin = { source: source.spec.name, stream: row.stream, rowNumber: row.rowNumber };
      if (row.file !== undefined) origin.file = row.file;
      if (row.sheet !== undefined) origin.sheet = row.sheet;
      if (row.sourceId !== undefined) origin.sourceId = row.sourceId;
      for (const rec of records) {
        out.records.push(rec);
        out.origins.push(origin);
      }
      stats.mapped++;
      stats.records += records.length;
    }
    this.row = null;
    this.plan = null;
    this.prepared = {};
    for (const k of Object.keys(stats) as (keyof MapStats)[]) this.totals[k] += stats[k];
    return out;
  }

  /** The current row's issues: one per (column, code, value), in column order. */
  private collectRowIssues(row: SourceRow): MappingIssue[] {
    const order = new Map<string, number>();
    let i = 0;
    for (const key of Object.keys(this.prepared)) order.set(this.plan?.columnOf.get(key) ?? key, i++);
    const seen = new Set<string>();
    const issues: MappingIssue[] = [];
    for (const r of this.rowIssues) {
      const column = this.columnOfValue(r.value);
      const issue = this.issue(row, r.code, column, r.value, r.detail);
      const key = `${issue.code}\0${column}\0${issue.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push(issue);
    }
    const rank = (c: string | null) => (c === null ? Number.MAX_SAFE_INTEGER : (order.get(c) ?? order.size));
    return issues.sort(
      (a, b) =>
        rank(a.column) - rank(b.column) ||
        (a.column ?? '').localeCompare(b.column ?? '') ||
        a.code.localeCompare(b.code) ||
        (a.value ?? '').localeCompare(b.value ?? ''),
    );
  }
}

/** jsonata's results carry sequence flags on arrays: copy them into plain values. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  // (jsonata builds its objects from another prototype: copy every plain-looking object.)
  if (v && typeof v === 'object' && Object.prototype.toString.call(v) === '[object Object]') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}

function jsonataMessage(err: unknown): string {
  if (err instanceof HelperUsageError) return err.message;
  const e = err as { code?: string; message?: string; position?: number; token?: string };
  const where = e.position !== undefined ? ` (at position ${e.position})` : '';
  return `${e.code ? `${e.code} ` : ''}${e.message ?? String(err)}${where}`;
}

export function createMapper(mapping: Mapping, opts: MapOptions = {}): Mapper {
  return new Mapper(mapping, opts);
}

/** Maps a set of rows in one go. */
export async function mapRows(
  mapping: Mapping,
  rows: Iterable<SourceRow>,
  opts: MapOptions = {},
): Promise<MapResult> {
  return createMapper(mapping, opts).mapPage(rows);
}
