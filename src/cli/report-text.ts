import type { Issue } from '../standard/issue.js';
import type { Lang } from '../standard/messages.js';
import type { IssueGroup, ValidationReport } from '../standard/validate.js';

/** The words of the text report, English and French. */
const words = {
  en: {
    batch: 'batch',
    record: 'single record',
    version: 'schema version',
    valid: 'VALID',
    invalid: 'INVALID',
    errors: (n: string) => `${n} error(s)`,
    warnings: (n: string) => `${n} warning(s)`,
    inRecords: (n: string) => `in ${n} record(s)`,
    validInvalid: (v: string, i: string) => `${v} valid, ${i} invalid`,
    byType: 'Records by type',
    validCol: 'valid',
    invalidCol: 'invalid',
    issues: (n: string) => `Issues (${n} listed)`,
    groups: (cap: string) => `More of the same kind (past the first ${cap} of each)`,
    noIssues: 'No issues.',
    checked: (s: string) => `Checked in ${s}.`,
  },
  fr: {
    batch: 'envoi',
    record: 'enregistrement seul',
    version: 'version du schéma',
    valid: 'VALIDE',
    invalid: 'INVALIDE',
    errors: (n: string) => `${n} erreur(s)`,
    warnings: (n: string) => `${n} avertissement(s)`,
    inRecords: (n: string) => `dans ${n} enregistrement(s)`,
    validInvalid: (v: string, i: string) => `${v} valide(s), ${i} invalide(s)`,
    byType: 'Enregistrements par type',
    validCol: 'valides',
    invalidCol: 'invalides',
    issues: (n: string) => `Anomalies (${n} listées)`,
    groups: (cap: string) => `Autres anomalies du même genre (au-delà des ${cap} premières de chaque)`,
    noIssues: 'Aucune anomalie.',
    checked: (s: string) => `Contrôlé en ${s}.`,
  },
} as const;

export interface TextReportOptions {
  lang: Lang;
  /** The file checked, shown in the heading. */
  source: string;
  elapsedMs?: number;
  groupCap: number;
}

function num(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-US');
}

function issueLine(i: Issue | IssueGroup, lang: Lang, count?: number): string {
  const sev =
    i.severity === 'error' ? (lang === 'fr' ? 'erreur' : 'error') : lang === 'fr' ? 'avert.' : 'warning';
  const times = count !== undefined ? `  × ${num(count, lang)}` : '';
  const message = lang === 'fr' ? i.messageFr : i.message;
  return `  ${sev.padEnd(8)} ${i.path}  ${i.code}${times}\n           ${message}`;
}

/** A report an operator reads in a terminal: the verdict, counts per record type, then the issues. */
export function formatReportText(report: ValidationReport, opts: TextReportOptions): string {
  const { lang } = opts;
  const w = words[lang];
  // French puts a space before the colon.
  const colon = lang === 'fr' ? ' :' : ':';
  const t = report.totals;
  const out: string[] = [];
  const kind = report.kind === 'batch' ? w.batch : w.record;
  out.push(`rmdx validate ${opts.source} — ${kind}, ${w.version} ${report.schemaVersion}`);
  out.push(
    `${report.valid ? w.valid : w.invalid}${colon} ${w.errors(num(t.errors, lang))}, ${w.warnings(num(t.warnings, lang))} ` +
      `${w.inRecords(num(t.records, lang))} (${w.validInvalid(num(t.valid, lang), num(t.invalid, lang))})`,
  );
  const rows = Object.entries(report.counts).filter(([, c]) => c.valid + c.invalid > 0);
  if (rows.length > 0) {
    out.push('', `${w.byType}${colon}`);
    for (const [type, c] of rows) {
      out.push(
        `  ${type.padEnd(16)} ${num(c.valid, lang).padStart(10)} ${w.validCol.padEnd(8)} ${num(c.invalid, lang).padStart(10)} ${w.invalidCol}`,
      );
    }
  }
  out.push('');
  if (report.issues.length === 0 && report.groups.length === 0) out.push(w.noIssues);
  if (report.issues.length > 0) {
    out.push(`${w.issues(num(report.issues.length, lang))}${colon}`);
    for (const i of report.issues) out.push(issueLine(i, lang));
  }
  if (report.groups.length > 0) {
    out.push('', `${w.groups(num(opts.groupCap, lang))}${colon}`);
    for (const g of report.groups) out.push(issueLine(g, lang, g.count));
  }
  if (opts.elapsedMs !== undefined)
    out.push(
      '',
      w.checked(
        opts.elapsedMs < 1000
          ? `${Math.round(opts.elapsedMs)} ms`
          : `${(opts.elapsedMs / 1000).toFixed(1)} s`,
      ),
    );
  return `${out.join('\n')}\n`;
}
