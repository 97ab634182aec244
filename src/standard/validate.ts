import { apiError } from '../errors.js';
import { escapePointer, type Finding, findingsFromAjv, topField } from './ajv-issues.js';
import { KeyIndex } from './key-index.js';
import { type Issue, type IssueCode, issueSeverity, type Severity } from './issue.js';
import { closest, groupMessage, type IssueDetail, issueMessage, type RecordLabel } from './messages.js';
import {
  certificateKey,
  isRecordType,
  recordKeyFields,
  type RecordType,
  recordTypes,
  type SubmittedRecord,
} from './record-types.js';
import type { SchemaRegistry, StandardVersion } from './registry.js';
import {
  NO_BAD_FIELDS,
  prepareSemanticContext,
  type SemanticContext,
  semanticFindings,
} from './semantic-checks.js';

/**
 * Validation with a report: the envelope, every record against the schema of its type, then the
 * semantic checks (semantic-checks.ts) and duplicate keys. Used by `POST /v1/validate`, `rmdx validate`
 * and, through the finer functions, by the intake pipeline.
 */

const periodRe = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The default number of like issues listed one by one before the rest are counted in a group. */
export const DEFAULT_GROUP_CAP = 100;

export interface ValidateOptions {
  /** The moment "the future" starts. @defaultValue Date.now() */
  now?: number | Date;
  /** For a single record: the version to check it against. @defaultValue the latest version */
  schemaVersion?: string | undefined;
  /** For a single record: the reporting country, to run the checks that need the envelope. */
  reportingCountry?: string | undefined;
  /** For a single record: the reporting month (YYYY-MM), to check its event date. */
  period?: string | undefined;
  /** Like issues (code, record type, path without the record index) listed before grouping. @defaultValue 100 */
  groupCap?: number;
  /** Called every `progressEvery` records (and at the end) with the records done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** @defaultValue 10000 */
  progressEvery?: number;
}

export interface RecordCounts {
  valid: number;
  invalid: number;
}

/** Like issues past the cap: how many, where (`/records/*‍/mass`) and what they break. */
export interface IssueGroup {
  code: IssueCode;
  recordType: string | null;
  path: string;
  severity: Severity;
  count: number;
  message: string;
  messageFr: string;
}

export interface ValidationTotals {
  records: number;
  valid: number;
  invalid: number;
  /** Every error and warning found, listed or grouped. */
  errors: number;
  warnings: number;
}

/** The report of `POST /v1/validate` and `rmdx validate`. */
export interface ValidationReport {
  /** True when there is no error (warnings allowed). */
  valid: boolean;
  schemaVersion: string;
  /** What was validated: a batch (envelope + records) or one record. */
  kind: 'batch' | 'record';
  counts: Record<string, RecordCounts>;
  totals: ValidationTotals;
  issues: Issue[];
  groups: IssueGroup[];
}

export interface EnvelopeResult {
  schemaVersion: string;
  /** Issues of the envelope (recordIndex null); records are not looked at. */
  issues: Issue[];
  /** True when the envelope has no error. */
  valid: boolean;
  /** The reporting country and period, when they passed the schema (the semantic checks use them). */
  reportingCountry: string | undefined;
  period: string | undefined;
  /** The records array, when it is one. */
  records: unknown[] | undefined;
}

/** What `validateRecord` needs to know about the record's surroundings. */
export interface RecordContext {
  reportingCountry?: string | undefined;
  period?: string | undefined;
  /** @defaultValue Date.now() when the context is first used */
  now?: number | Date;
  /** JSON Pointer of the record in the document. @defaultValue `/records/<index>` */
  pointer?: string;
  /** The record stands alone (no batch): messages do not name an index. */
  single?: boolean;
}

export interface RecordResult {
  valid: boolean;
  recordType: RecordType | null;
  key: string | null;
  issues: Issue[];
}

// ---------------------------------------------------------------------------------------------------

function unknownVersion(registry: SchemaRegistry, version: unknown): Error {
  const shown = typeof version === 'string' ? `"${version}"` : JSON.stringify(version);
  return apiError(
    'RMDX_ERR_UNKNOWN_SCHEMA_VERSION',
    `schemaVersion ${shown} is not a published version of the standard; use one of: ${registry.versions.join(', ')} (latest ${registry.latest})`,
    { knownVersions: [...registry.versions], latest: registry.latest },
  );
}

/** The version a request names, or an RMDX_ERR_UNKNOWN_SCHEMA_VERSION error. */
export function resolveVersion(registry: SchemaRegistry, version: unknown): StandardVersion {
  if (typeof version !== 'string' || !registry.has(version)) throw unknownVersion(registry, version);
  return registry.get(version);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function makeIssue(code: IssueCode, label: RecordLabel, path: string, detail: IssueDetail): Issue {
  return {
    recordIndex: label.single ? (label.recordIndex ?? 0) : label.recordIndex,
    recordType: label.recordType,
    key: label.key,
    path,
    code,
    severity: issueSeverity[code],
    message: issueMessage(code, label, detail, 'en'),
    messageFr: issueMessage(code, label, detail, 'fr'),
  };
}

const envelopeLabel: RecordLabel = { recordType: null, recordIndex: null, key: null };

/**
 * Checks a batch's envelope (everything but the records' contents) against its version's batch schema.
 * Throws RMDX_ERR_UNKNOWN_SCHEMA_VERSION (422) for a version that is not published; a missing
 * schemaVersion is an envelope error, and the latest version is used to check the rest.
 */
export function validateEnvelope(registry: SchemaRegistry, doc: Record<string, unknown>): EnvelopeResult {
  const stated = doc.schemaVersion;
  if (stated !== undefined && (typeof stated !== 'string' || !registry.has(stated))) {
    throw unknownVersion(registry, stated);
  }
  const version = registry.get(stated ?? registry.latest);
  const validate = version.envelopeValidator;
  const findings = validate(doc) ? [] : findingsFromAjv(validate.errors);
  const bad = new Set(findings.map((f) => topField(f.path)));
  const rc = doc.reportingCountry;
  const period = doc.period;
  return {
    schemaVersion: version.version,
    issues: findings.map((f) => makeIssue(f.code, envelopeLabel, f.path, f.detail)),
    valid: findings.length === 0,
    reportingCountry: typeof rc === 'string' && !bad.has('reportingCountry') ? rc : undefined,
    period: typeof period === 'string' && !bad.has('period') ? period : undefined,
    records: Array.isArray(doc.records) ? doc.records : undefined,
  };
}

const EMPTY: readonly Finding[] = Object.freeze([]);

/** What `checkRecord` found; one object reused across a batch, so the hot loop allocates nothing per clean record. */
interface Checked {
  recordType: RecordType | null;
  findings: readonly Finding[];
  /** Top-level fields the schema complained about. */
  bad: ReadonlySet<string>;
}

function newChecked(): Checked {
  return { recordType: null, findings: EMPTY, bad: NO_BAD_FIELDS };
}

/** Schema + semantic findings of one record (paths relative to the record), written into `out`. */
function checkRecord(version: StandardVersion, record: unknown, sctx: SemanticContext, out: Checked): void {
  out.bad = NO_BAD_FIELDS;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    out.recordType = null;
    out.findings = [
      { code: 'RMDX_VAL_TYPE', path: '', detail: { field: '', value: record, types: ['object'] } },
    ];
    return;
  }
  const rt = (record as SubmittedRecord).recordType;
  const validate = typeof rt === 'string' ? version.byRecordType[rt] : undefined;
  if (!validate) {
    out.recordType = null;
    out.findings = [unknownRecordType(version, rt)];
    return;
  }
  const recordType = rt as RecordType;
  out.recordType = recordType;
  let findings: readonly Finding[] = EMPTY;
  if (!validate(record)) {
    const schemaFindings = findingsFromAjv(validate.errors);
    findings = schemaFindings;
    const b = new Set<string>();
    for (const f of schemaFindings) b.add(topField(f.path));
    out.bad = b;
  }
  const sem = semanticFindings(recordType, record as SubmittedRecord, sctx, out.bad);
  if (sem) findings = findings.length === 0 ? sem : [...findings, ...sem];
  out.findings = findings;
}

function unknownRecordType(version: StandardVersion, rt: unknown): Finding {
  const detail: IssueDetail = { field: 'recordType', recordTypes: [...version.recordValidators.keys()] };
  if (rt !== undefined) {
    detail.value = rt;
    if (typeof rt === 'string') {
      const s = closest(rt, version.recordValidators.keys());
      if (s) detail.suggestion = s;
    }
  }
  return { code: 'RMDX_VAL_UNKNOWN_RECORD_TYPE', path: '/recordType', detail };
}

/**
 * The key of a record for duplicate detection: exactly `recordKey()` of record-types.ts, with a fast
 * path for the common key that needs neither trimming nor Unicode normalisation (code points below
 * U+0300 are stable under NFC).
 */
export function keyOf(recordType: RecordType, record: SubmittedRecord): string | undefined {
  const value = record[recordKeyFields[recordType]];
  if (typeof value !== 'string') return undefined;
  if (recordType === 'certificate') return value.trim() === '' ? undefined : certificateKey(value);
  const n = value.length;
  if (n > 0 && value.charCodeAt(0) > 0x20 && value.charCodeAt(n - 1) > 0x20) {
    let plain = true;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x300 || c === 0x85 || c === 0xa0) {
        plain = false;
        break;
      }
    }
    if (plain) return value;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.normalize('NFC');
}

/** Record types as small numbers (1 …: index in `recordTypes` + 1), for KeyIndex and CheckedRecords. */
const typeNumbers = Object.fromEntries(recordTypes.map((t, i) => [t, i + 1])) as Record<RecordType, number>;

const contexts = new WeakMap<object, { version: string; sctx: SemanticContext }>();

function semanticContextFor(version: StandardVersion, ctx: RecordContext): SemanticContext {
  const cached = contexts.get(ctx);
  if (cached && cached.version === version.version) return cached.sctx;
  const sctx = prepareSemanticContext(version.codelists, {
    reportingCountry: ctx.reportingCountry,
    period: ctx.period,
    now: ctx.now ?? Date.now(),
  });
  contexts.set(ctx, { version: version.version, sctx });
  return sctx;
}

/**
 * Validates one record (schema of its type + the checks of semantic-checks.ts; not duplicate keys,
 * which need the batch: see `findDuplicateKeys`). Issues carry full paths (`/records/<index>/…`).
 * Pass the same `ctx` object for every record of a batch: what it implies is computed once.
 */
export function validateRecord(
  registry: SchemaRegistry,
  version: string,
  record: unknown,
  index: number,
  ctx: RecordContext = {},
): RecordResult {
  const v = resolveVersion(registry, version);
  const checked = newChecked();
  checkRecord(v, record, semanticContextFor(v, ctx), checked);
  const recordType = checked.recordType;
  const key =
    recordType && !checked.bad.has(recordKeyFields[recordType])
      ? (keyOf(recordType, record as SubmittedRecord) ?? null)
      : null;
  const label: RecordLabel = {
    recordType,
    recordIndex: index,
    keyField: recordType ? recordKeyFields[recordType] : null,
    key,
    single: ctx.single ?? false,
  };
  const base = ctx.pointer ?? (ctx.single ? '' : `/records/${index}`);
  const issues = checked.findings.map((f) => makeIssue(f.code, label, base + f.path, f.detail));
  return { valid: !issues.some((i) => i.severity === 'error'), recordType, key, issues };
}

/** A later occurrence of a key already used by an earlier record of the same type. */
export interface DuplicateKey {
  recordIndex: number;
  recordType: RecordType;
  keyField: string;
  key: string;
  firstIndex: number;
}

/** Every later occurrence of a (recordType, key) already seen in the batch, in record order. */
export function* duplicateKeys(records: readonly unknown[]): Generator<DuplicateKey> {
  const index = new KeyIndex(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!isPlainObject(r) || !isRecordType(r.recordType)) continue;
    const key = keyOf(r.recordType, r as SubmittedRecord);
    if (key === undefined) continue;
    const first = index.firstIndex(typeNumbers[r.recordType], key, i);
    if (first >= 0) {
      yield {
        recordIndex: i,
        recordType: r.recordType,
        keyField: recordKeyFields[r.recordType],
        key,
        firstIndex: first,
      };
    }
  }
}

function duplicateDetail(d: DuplicateKey): IssueDetail {
  return { field: d.keyField, value: d.key, firstIndex: d.firstIndex };
}

/**
 * RMDX_VAL_DUPLICATE_KEY issues for a batch's records: each later occurrence of a key is reported at
 * its key field (`/records/<index>/<keyField>`).
 */
export function findDuplicateKeys(records: readonly unknown[]): Issue[] {
  const out: Issue[] = [];
  for (const d of duplicateKeys(records)) {
    const label: RecordLabel = {
      recordType: d.recordType,
      recordIndex: d.recordIndex,
      keyField: d.keyField,
      key: d.key,
    };
    out.push(
      makeIssue(
        'RMDX_VAL_DUPLICATE_KEY',
        label,
        `/records/${d.recordIndex}/${escapePointer(d.keyField)}`,
        duplicateDetail(d),
      ),
    );
  }
  return out;
}

/**
 * What checking a run of a batch's records gave, in a form that crosses a thread boundary cheaply
 * (`checkRecords` → `Validation.addChecked`): each record's type (0 when it has none, else its index
 * in `recordTypes` + 1) and key, and the findings of the records that have any (`findingsAt`: their
 * positions in the run, ascending).
 */
export interface CheckedRecords {
  count: number;
  types: Uint8Array;
  keys: (string | undefined)[];
  findingsAt: number[];
  findings: (readonly Finding[])[];
}

/**
 * The schema and semantic checks of `records` (a run of a batch, in order), as `Validation.step` makes
 * them, without the report: duplicate keys, listing and counts are left to `Validation.addChecked`.
 * `semantic` must be the batch's `Validation.semanticOptions` and `now` the moment of its validation.
 */
export function checkRecords(
  version: StandardVersion,
  records: readonly unknown[],
  semantic: { reportingCountry: string | undefined; period: string | undefined },
  now: number,
): CheckedRecords {
  const sctx = prepareSemanticContext(version.codelists, { ...semantic, now });
  const n = records.length;
  const out: CheckedRecords = {
    count: n,
    types: new Uint8Array(n),
    keys: new Array<string | undefined>(n),
    findingsAt: [],
    findings: [],
  };
  const checked = newChecked();
  for (let j = 0; j < n; j++) {
    const record = records[j];
    checkRecord(version, record, sctx, checked);
    const { recordType, findings, bad } = checked;
    if (recordType) {
      out.types[j] = typeNumbers[recordType];
      if (!bad.has(recordKeyFields[recordType])) out.keys[j] = keyOf(recordType, record as SubmittedRecord);
    }
    if (findings.length > 0) {
      out.findingsAt.push(j);
      out.findings.push(findings);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The report: issues listed up to a cap per (code, record type, path without the record index), the rest grouped.

interface GroupAcc {
  code: IssueCode;
  recordType: RecordType | null;
  path: string;
  count: number;
  detail: IssueDetail;
}

class ReportCollector {
  readonly issues: Issue[] = [];
  private readonly listed = new Map<string, number>();
  private readonly groups = new Map<string, GroupAcc>();
  errors = 0;
  warnings = 0;

  private readonly groupBase: string;

  constructor(
    private readonly cap: number,
    private readonly single: boolean,
  ) {
    this.groupBase = single ? '' : '/records/*';
  }

  /** Adds an issue of the envelope (there are few: never grouped). */
  addEnvelope(issue: Issue) {
    if (issue.severity === 'error') this.errors++;
    else this.warnings++;
    this.issues.push(issue);
  }

  /**
   * Adds one finding about a record. The message is written only when the issue is listed, so past the
   * cap a finding costs a map lookup and a counter.
   */
  add(
    code: IssueCode,
    recordType: RecordType | null,
    recordIndex: number,
    key: string | undefined,
    base: string,
    relPath: string,
    detail: IssueDetail,
  ) {
    if (issueSeverity[code] === 'error') this.errors++;
    else this.warnings++;
    const gk = `${code}\u0000${recordType ?? ''}\u0000${relPath}`;
    const n = this.listed.get(gk) ?? 0;
    if (n < this.cap) {
      this.listed.set(gk, n + 1);
      const label: RecordLabel = {
        recordType,
        recordIndex,
        keyField: recordType ? recordKeyFields[recordType] : null,
        key: key ?? null,
        single: this.single,
      };
      this.issues.push(makeIssue(code, label, base + relPath, detail));
      return;
    }
    const g = this.groups.get(gk);
    if (g) g.count++;
    else this.groups.set(gk, { code, recordType, path: this.groupBase + relPath, count: 1, detail });
  }

  groupList(): IssueGroup[] {
    return [...this.groups.values()].map((g) => ({
      code: g.code,
      recordType: g.recordType,
      path: g.path,
      severity: issueSeverity[g.code],
      count: g.count,
      message: groupMessage(g.code, g.recordType, g.path, g.count, g.detail, 'en'),
      messageFr: groupMessage(g.code, g.recordType, g.path, g.count, g.detail, 'fr'),
    }));
  }
}

function emptyCounts(version: StandardVersion): Record<string, RecordCounts> {
  const counts: Record<string, RecordCounts> = {};
  for (const t of recordTypes) if (version.recordValidators.has(t)) counts[t] = { valid: 0, invalid: 0 };
  return counts;
}

/** Refuses options a single record cannot be checked with (400): unknown country, malformed period. */
function checkRecordOptions(version: StandardVersion, opts: ValidateOptions) {
  if (opts.reportingCountry !== undefined && !version.codelists.memberState.has(opts.reportingCountry)) {
    throw apiError(
      'RMDX_ERR_BAD_REQUEST',
      `reportingCountry "${opts.reportingCountry}" is not a member state; use one of: ${[...version.codelists.memberState].join(', ')}`,
    );
  }
  if (opts.period !== undefined && !periodRe.test(opts.period)) {
    throw apiError(
      'RMDX_ERR_BAD_REQUEST',
      `period "${opts.period}" is not a month written YYYY-MM, e.g. 2026-03`,
    );
  }
}

/**
 * One validation of a document, run in steps so that a server can yield to its event loop between
 * slices of a large batch (`validateDocumentAsync`); `validateDocument` runs it in one go.
 * Throws API errors at construction for what is not validatable: RMDX_ERR_NOT_A_DOCUMENT (neither batch
 * nor record), RMDX_ERR_UNKNOWN_SCHEMA_VERSION, RMDX_ERR_BAD_REQUEST (bad options for a single record).
 */
export class Validation {
  readonly total: number;
  private readonly version: StandardVersion;
  private readonly batch: boolean;
  private readonly records: readonly unknown[];
  private readonly sctx: SemanticContext;
  private readonly collector: ReportCollector;
  private readonly counts: Record<string, RecordCounts>;
  private readonly keys: KeyIndex;
  private readonly checked = newChecked();
  private next = 0;
  private valid = 0;
  private invalid = 0;

  constructor(
    registry: SchemaRegistry,
    doc: unknown,
    private readonly opts: ValidateOptions = {},
  ) {
    if (!isPlainObject(doc) || (!('records' in doc) && !('recordType' in doc))) {
      throw apiError(
        'RMDX_ERR_NOT_A_DOCUMENT',
        'The document is neither a batch (an object with "records") nor a single record (an object with "recordType")',
      );
    }
    const cap = Math.max(0, opts.groupCap ?? DEFAULT_GROUP_CAP);
    const now = opts.now ?? Date.now();
    this.batch = 'records' in doc;
    this.collector = new ReportCollector(cap, !this.batch);
    if (this.batch) {
      const env = validateEnvelope(registry, doc);
      this.version = registry.get(env.schemaVersion);
      for (const issue of env.issues) this.collector.addEnvelope(issue);
      this.records = env.records ?? [];
      this.sctx = prepareSemanticContext(this.version.codelists, {
        reportingCountry: env.reportingCountry,
        period: env.period,
        now,
      });
    } else {
      this.version = resolveVersion(registry, opts.schemaVersion ?? registry.latest);
      checkRecordOptions(this.version, opts);
      this.records = [doc];
      this.sctx = prepareSemanticContext(this.version.codelists, {
        reportingCountry: opts.reportingCountry,
        period: opts.period,
        now,
      });
    }
    this.total = this.records.length;
    this.counts = emptyCounts(this.version);
    this.keys = new KeyIndex(this.batch ? this.total : 0);
  }

  /** True when every record has been checked. */
  get done(): boolean {
    return this.next >= this.total;
  }

  /** Checks up to `n` more records; returns true when all are done. */
  step(n: number): boolean {
    const { records, version, sctx, checked } = this;
    const end = Math.min(this.total, this.next + n);
    const every = this.opts.progressEvery ?? 10_000;
    const onProgress = this.opts.onProgress;
    for (let i = this.next; i < end; i++) {
      const record = records[i];
      checkRecord(version, record, sctx, checked);
      const { recordType, findings, bad } = checked;
      const key =
        recordType && !bad.has(recordKeyFields[recordType])
          ? keyOf(recordType, record as SubmittedRecord)
          : undefined;
      this.add(i, recordType, key, findings);
      if (onProgress && (i + 1) % every === 0) onProgress(i + 1, this.total);
    }
    this.next = end;
    if (this.done && onProgress) onProgress(this.total, this.total);
    return this.done;
  }

  /**
   * Takes the next `checked.count` records as already checked elsewhere (`checkRecords`, e.g. in a
   * worker thread on a part of the batch it parsed itself) and adds them to the report exactly as
   * `step` would have: the duplicate keys, the listing and grouping of issues and the counts are
   * decided here, in record order. Returns true when all are done.
   */
  addChecked(checked: CheckedRecords): boolean {
    const end = this.next + checked.count;
    if (end > this.total) throw new Error(`${checked.count} checked records past the end of the batch`);
    const every = this.opts.progressEvery ?? 10_000;
    const onProgress = this.opts.onProgress;
    const { types, keys, findingsAt, findings } = checked;
    let f = 0;
    const start = this.next;
    for (let i = start; i < end; i++) {
      const j = i - start;
      const t = types[j]!;
      let found: readonly Finding[] = EMPTY;
      if (f < findingsAt.length && findingsAt[f] === j) found = findings[f++]!;
      this.add(i, t === 0 ? null : recordTypes[t - 1]!, keys[j], found);
      if (onProgress && (i + 1) % every === 0) onProgress(i + 1, this.total);
    }
    this.next = end;
    if (this.done && onProgress) onProgress(this.total, this.total);
    return this.done;
  }

  /** Record `i`: its findings, its key against the earlier ones, the counts. */
  private add(
    i: number,
    recordType: RecordType | null,
    key: string | undefined,
    findings: readonly Finding[],
  ) {
    const { collector, batch, counts, keys } = this;
    let hasError = false;
    if (findings.length > 0) {
      const base = batch ? `/records/${i}` : '';
      for (const f of findings) {
        if (issueSeverity[f.code] === 'error') hasError = true;
        collector.add(f.code, recordType, i, key, base, f.path, f.detail);
      }
    }
    if (recordType && batch && key !== undefined) {
      const first = keys.firstIndex(typeNumbers[recordType], key, i);
      if (first >= 0) {
        hasError = true;
        const keyField = recordKeyFields[recordType];
        collector.add(
          'RMDX_VAL_DUPLICATE_KEY',
          recordType,
          i,
          key,
          `/records/${i}`,
          `/${escapePointer(keyField)}`,
          { field: keyField, value: key, firstIndex: first },
        );
      }
    }
    if (hasError) this.invalid++;
    else this.valid++;
    if (recordType) {
      const c = counts[recordType]!;
      if (hasError) c.invalid++;
      else c.valid++;
    }
  }

  /** The context the semantic checks run in (what `checkRecords` must be given for this batch). */
  get semanticOptions(): { reportingCountry: string | undefined; period: string | undefined } {
    return { reportingCountry: this.sctx.reportingCountry, period: this.sctx.period };
  }

  /** The report; checks what is left first. */
  report(): ValidationReport {
    if (!this.done) this.step(Infinity);
    const c = this.collector;
    return {
      valid: c.errors === 0,
      schemaVersion: this.version.version,
      kind: this.batch ? 'batch' : 'record',
      counts: this.counts,
      totals: {
        records: this.total,
        valid: this.valid,
        invalid: this.invalid,
        errors: c.errors,
        warnings: c.warnings,
      },
      issues: c.issues,
      groups: c.groupList(),
    };
  }
}

/**
 * Validates a batch (has `records`) or one record (has `recordType`) and returns the full report.
 * Throws API errors for what is not validatable (see `Validation`).
 */
export function validateDocument(
  registry: SchemaRegistry,
  doc: unknown,
  opts: ValidateOptions = {},
): ValidationReport {
  return new Validation(registry, doc, opts).report();
}

/**
 * As `validateDocument`, yielding to the event loop every `slice` records so a server stays responsive
 * (health checks, other requests) while it checks a batch of hundreds of thousands of records.
 */
export async function validateDocumentAsync(
  registry: SchemaRegistry,
  doc: unknown,
  opts: ValidateOptions & { slice?: number } = {},
): Promise<ValidationReport> {
  const v = new Validation(registry, doc, opts);
  const slice = opts.slice ?? 20_000;
  while (!v.step(slice)) await new Promise<void>((resolve) => setImmediate(resolve));
  return v.report();
}
