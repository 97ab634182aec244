import type { Finding } from './ajv-issues.js';
import { certificateKey, type RecordType, type SubmittedRecord } from './record-types.js';
import type { VersionCodelists } from './registry.js';

/**
 * The checks a JSON Schema cannot make (docs/issue-codes.md): they need the batch envelope, the clock or
 * a codelist read at run time. Each runs only when the fields it reads passed the schema check, so a
 * record with a malformed date gets RMDX_VAL_FORMAT and not also RMDX_VAL_FUTURE_DATE.
 * Duplicate keys need the whole batch: see `findDuplicateKeys` in validate.ts.
 */

/** The event date of each record type: it should fall in the batch period (standard-v1, batch.period). */
export const eventDateFields: Partial<Record<RecordType, string>> = {
  inspection: 'inspectionDate',
  lot: 'registeredAt',
  custodyTransfer: 'occurredAt',
  export: 'shippedOn',
  import: 'arrivedOn',
  certificate: 'issuedOn',
};

/**
 * Dates and timestamps that record something that already happened, so cannot lie in the future.
 * End dates (`validTo`, `expiresOn`, `suspendedUntil`) and `validFrom` may.
 * Each entry is a path of property names from the record.
 */
export const pastDateFields: Record<RecordType, readonly (readonly string[])[]> = {
  mineSite: [['statusSince'], ['lastInspectionDate']],
  actor: [['auditStatus', 'date']],
  licence: [],
  inspection: [['inspectionDate']],
  lot: [['registeredAt']],
  custodyTransfer: [['occurredAt']],
  export: [['shippedOn']],
  import: [['arrivedOn']],
  certificate: [['issuedOn']],
};

/** Pairs (start, end) where the end must not precede the start. */
export const dateOrderFields: Partial<Record<RecordType, readonly (readonly [string, string])[]>> = {
  licence: [['validFrom', 'validTo']],
  certificate: [['issuedOn', 'expiresOn']],
};

/** Slack for clocks: a timestamp up to 5 minutes ahead of `now` is not yet "in the future". */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** A calendar date is in the future only when it is after today's date everywhere on Earth (UTC+14). */
const LATEST_ZONE_MS = 14 * 60 * 60 * 1000;

export interface SemanticOptions {
  /** The batch's reporting country, when known and valid; the envelope-dependent checks need it. */
  reportingCountry?: string | undefined;
  /** The batch's period (YYYY-MM), when known and valid. */
  period?: string | undefined;
  /** The moment the check is made. */
  now: number | Date;
}

/** Everything the checks need, computed once per batch. */
export interface SemanticContext {
  reportingCountry: string | undefined;
  period: string | undefined;
  /** Today's date in UTC, for messages. */
  today: string;
  /** The latest date that is not in the future anywhere. */
  latestDate: string;
  /** The latest instant (ms) a timestamp may have. */
  latestInstant: number;
  /** Whether the reporting country issues ICGLR certificates (codelist certifyingState). */
  certifying: boolean;
  designated: ReadonlySet<string>;
  designatedList: readonly string[];
  /** The certificate prefix of the reporting country, e.g. `RW-`. */
  prefix: string | undefined;
}

export function prepareSemanticContext(codelists: VersionCodelists, opts: SemanticOptions): SemanticContext {
  const now = typeof opts.now === 'number' ? opts.now : opts.now.getTime();
  const rc = opts.reportingCountry;
  return {
    reportingCountry: rc,
    period: opts.period,
    today: new Date(now).toISOString().slice(0, 10),
    latestDate: new Date(now + LATEST_ZONE_MS).toISOString().slice(0, 10),
    latestInstant: now + CLOCK_SKEW_MS,
    certifying: rc !== undefined && codelists.certifyingState.has(rc),
    designated: codelists.designatedMineral,
    designatedList: [...codelists.designatedMineral],
    prefix: rc === undefined ? undefined : `${rc}-`,
  };
}

const NO_BAD_FIELDS: ReadonlySet<string> = new Set();
export { NO_BAD_FIELDS };

function readPath(record: SubmittedRecord, names: readonly string[]): unknown {
  let v: unknown = record;
  for (const n of names) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[n];
  }
  return v;
}

function isFuture(value: string, ctx: SemanticContext): boolean {
  if (value.length === 10) return value > ctx.latestDate;
  const t = Date.parse(value);
  return Number.isFinite(t) && t > ctx.latestInstant;
}

/**
 * The semantic findings of one record that passed (at least for the fields concerned) its schema check.
 * `bad` holds the top-level fields the schema check complained about.
 * Returns undefined when there is nothing to report (the common case allocates nothing).
 */
export function semanticFindings(
  recordType: RecordType,
  record: SubmittedRecord,
  ctx: SemanticContext,
  bad: ReadonlySet<string> = NO_BAD_FIELDS,
): Finding[] | undefined {
  // A void record only names what it withdraws; its key is checked for duplicates by the caller.
  if (record.action === 'void' || bad.has('action')) return undefined;
  let out: Finding[] | undefined;
  const rc = ctx.reportingCountry;

  if (recordType === 'mineSite' && rc !== undefined && !bad.has('country')) {
    const country = record.country;
    if (typeof country === 'string' && country !== rc) {
      (out ??= []).push({
        code: 'RMDX_VAL_COUNTRY_MISMATCH',
        path: '/country',
        detail: { field: 'country', value: country, reportingCountry: rc },
      });
    }
  }

  if (recordType === 'export' && ctx.certifying && !bad.has('mineral') && !bad.has('certificateNumber')) {
    const mineral = record.mineral;
    if (
      typeof mineral === 'string' &&
      ctx.designated.has(mineral) &&
      record.certificateNumber === undefined
    ) {
      (out ??= []).push({
        code: 'RMDX_VAL_CERTIFICATE_REQUIRED',
        path: '/certificateNumber',
        detail: {
          field: 'certificateNumber',
          mineral,
          reportingCountry: rc,
          designated: ctx.designatedList,
        },
      });
    }
  }

  if (
    (recordType === 'export' || recordType === 'certificate') &&
    ctx.prefix &&
    !bad.has('certificateNumber')
  ) {
    const number = record.certificateNumber;
    if (
      typeof number === 'string' &&
      !number.startsWith(ctx.prefix) &&
      !certificateKey(number).startsWith(ctx.prefix)
    ) {
      (out ??= []).push({
        code: 'RMDX_VAL_CERTIFICATE_PREFIX',
        path: '/certificateNumber',
        detail: {
          field: 'certificateNumber',
          value: number,
          expectedPrefix: ctx.prefix,
          reportingCountry: rc,
        },
      });
    }
  }

  for (const names of pastDateFields[recordType]) {
    if (bad.has(names[0]!)) continue;
    const value = names.length === 1 ? record[names[0]!] : readPath(record, names);
    if (typeof value === 'string' && isFuture(value, ctx)) {
      (out ??= []).push({
        code: 'RMDX_VAL_FUTURE_DATE',
        path: `/${names.join('/')}`,
        detail: { field: names.join('.'), value, today: ctx.today },
      });
    }
  }

  const pairs = dateOrderFields[recordType];
  if (pairs) {
    for (const [start, end] of pairs) {
      if (bad.has(start) || bad.has(end)) continue;
      const a = record[start];
      const b = record[end];
      if (typeof a === 'string' && typeof b === 'string' && b < a) {
        (out ??= []).push({
          code: 'RMDX_VAL_DATE_ORDER',
          path: `/${end}`,
          detail: { field: end, value: b, startField: start, startValue: a },
        });
      }
    }
  }

  const eventField = eventDateFields[recordType];
  if (eventField && ctx.period !== undefined && !bad.has(eventField)) {
    const value = record[eventField];
    if (typeof value === 'string' && value.slice(0, 7) !== ctx.period) {
      (out ??= []).push({
        code: 'RMDX_VAL_PERIOD_MISMATCH',
        path: `/${eventField}`,
        detail: { field: eventField, value, period: ctx.period },
      });
    }
  }
  return out;
}
