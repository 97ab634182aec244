/**
 * Values in PostgreSQL's COPY text format (one row a line, tab-separated, `\N` for null; backslash,
 * tab, newline and carriage return escaped). See https://www.postgresql.org/docs/current/sql-copy.html
 */
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const escapes: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text field: escaped, NUL characters dropped (Postgres text cannot hold them). */
export function copyField(text: string): string {
  const clean = text.includes('\0') ? text.replace(/\0/g, '') : text;
  return SPECIAL.test(clean) ? clean.replace(SPECIAL_ALL, (c) => escapes[c]!) : clean;
}

/** Any column value: null → `\N`, arrays as a text[] literal, booleans as t/f, the rest as text. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return copyField(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Array.isArray(value)) return copyField(arrayLiteral(value));
  return copyField(JSON.stringify(value));
}

/** A text[] literal: every element double-quoted, `"` and `\` escaped inside. */
export function arrayLiteral(items: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i > 0) out += ',';
    out += item === null || item === undefined ? 'NULL' : `"${String(item).replace(/["\\]/g, '\\$&')}"`;
  }
  return `${out}}`;
}

/**
 * A JSON document as a jsonb field. jsonb refuses the escape \u0000 (no NUL in Postgres text), so a
 * NUL inside a string is stored as U+FFFD, the replacement character.
 */
export function copyJson(value: unknown): string {
  const json = JSON.stringify(value);
  return copyField(json.includes('\\u0000') ? json.replace(/\\u0000/g, '\\ufffd') : json);
}
