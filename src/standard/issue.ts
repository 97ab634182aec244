/** Stable codes of per-record validation issues; see docs/issue-codes.md. */
export const issueCodes = [
  'RMDX_VAL_REQUIRED',
  'RMDX_VAL_UNKNOWN_FIELD',
  'RMDX_VAL_TYPE',
  'RMDX_VAL_CODE',
  'RMDX_VAL_FORMAT',
  'RMDX_VAL_RANGE',
  'RMDX_VAL_LENGTH',
  'RMDX_VAL_DUPLICATE_ITEM',
  'RMDX_VAL_UNKNOWN_RECORD_TYPE',
  'RMDX_VAL_INVALID',
  'RMDX_VAL_COUNTRY_MISMATCH',
  'RMDX_VAL_CERTIFICATE_REQUIRED',
  'RMDX_VAL_CERTIFICATE_PREFIX',
  'RMDX_VAL_DUPLICATE_KEY',
  'RMDX_VAL_FUTURE_DATE',
  'RMDX_VAL_DATE_ORDER',
  'RMDX_VAL_PERIOD_MISMATCH',
] as const;

export type IssueCode = (typeof issueCodes)[number];

export type Severity = 'error' | 'warning';

/**
 * One finding about one record (or the envelope, when recordIndex is null).
 * `path` is a JSON Pointer into the submitted document, e.g. `/records/3/mass`.
 */
export interface Issue {
  recordIndex: number | null;
  recordType: string | null;
  key: string | null;
  path: string;
  code: IssueCode;
  severity: Severity;
  message: string;
  messageFr: string;
}

/** The severity of each code (docs/issue-codes.md): everything is an error except a period mismatch. */
export const issueSeverity: Record<IssueCode, Severity> = Object.fromEntries(
  issueCodes.map((code) => [code, code === 'RMDX_VAL_PERIOD_MISMATCH' ? 'warning' : 'error']),
) as Record<IssueCode, Severity>;
