/**
 * Mapping issues: why a source row (a line of a CSV export, a row of a sheet, an item of an API page)
 * could not be turned into standard records. They come before validation: a row with a mapping issue
 * produces no record at all, because a half-read row that is upserted would overwrite the stored
 * record with one that lacks the field we could not read.
 *
 * Each code is stable; operators of national systems see `message` (English) and `messageFr` (French).
 */
export const mappingIssueCodes = [
  'RMDX_MAP_UNPARSABLE_NUMBER',
  'RMDX_MAP_AMBIGUOUS_NUMBER',
  'RMDX_MAP_UNPARSABLE_DATE',
  'RMDX_MAP_UNKNOWN_CODE',
  'RMDX_MAP_MISSING_COLUMN',
  'RMDX_MAP_MALFORMED_ROW',
  'RMDX_MAP_NO_SOURCE',
  'RMDX_MAP_EXPRESSION_FAILED',
  'RMDX_MAP_BAD_OUTPUT',
] as const;

export type MappingIssueCode = (typeof mappingIssueCodes)[number];

/** One row that could not be mapped, and why. */
export interface MappingIssue {
  /** The row as a spreadsheet user counts it (header = row 1); for API rows, the position in the read. */
  rowNumber: number;
  /** The stream the row came from: a file name, a sheet name or an API resource. */
  stream: string;
  /** The file the row came from, when it came from a file. */
  file?: string;
  /** The sheet the row came from, for workbooks. */
  sheet?: string;
  /** The source system's own id of the row, when it has one (API rows). */
  sourceId?: string;
  /** The column as headed in the source (or the JSON path of an API field); null when not one column. */
  column: string | null;
  /** The offending value as text (cut at 200 characters); null when there is none. */
  value: string | null;
  code: MappingIssueCode;
  message: string;
  messageFr: string;
}

/** What an issue's message says besides code, column and value. */
export interface IssueDetail {
  /** What was expected, e.g. "a date such as 24/03/2026", in English and French. */
  expected?: string;
  expectedFr?: string;
  /** The code list, for RMDX_MAP_UNKNOWN_CODE. */
  list?: string;
  /** Extra words appended to the message (e.g. ": there is no day 31/02/2026"), English and French. */
  reason?: string;
  reasonFr?: string;
}

const listNamesFr: Record<string, string> = {
  mineral: 'minerais',
  unit: 'unités',
  mineStatus: 'statuts de site (MDC.01)',
  country: 'pays',
  activityStatus: "statuts d'activité",
};

/** Builds the bilingual message of an issue. */
export function describeIssue(
  code: MappingIssueCode,
  column: string | null,
  value: string | null,
  detail: IssueDetail = {},
): { message: string; messageFr: string } {
  const col = column ? `column "${column}"` : 'the row';
  const colFr = column ? `colonne « ${column} »` : 'la ligne';
  const val = value === null ? '' : ` "${value}"`;
  const valFr = value === null ? '' : ` « ${value} »`;
  const reason = detail.reason ?? '';
  const reasonFr = detail.reasonFr ?? detail.reason ?? '';
  const expected = detail.expected ? ` (expected ${detail.expected})` : '';
  const expectedFr = detail.expectedFr ? ` (attendu : ${detail.expectedFr})` : '';
  switch (code) {
    case 'RMDX_MAP_UNPARSABLE_NUMBER':
      return {
        message: `${col}: the value${val} is not a number${expected}`,
        messageFr: `${colFr} : la valeur${valFr} n'est pas un nombre${expectedFr}`,
      };
    case 'RMDX_MAP_AMBIGUOUS_NUMBER':
      return {
        message: `${col}: the value${val} could be read two ways (is the comma or the point the decimal separator?); the mapping must declare its decimal separator`,
        messageFr: `${colFr} : la valeur${valFr} peut se lire de deux façons (la virgule ou le point est-il le séparateur décimal ?) ; le mapping doit déclarer son séparateur décimal`,
      };
    case 'RMDX_MAP_UNPARSABLE_DATE':
      return {
        message: `${col}: the value${val} is not a valid date${expected}${reason ? `: ${reason}` : ''}`,
        messageFr: `${colFr} : la valeur${valFr} n'est pas une date valide${expectedFr}${reasonFr ? ` : ${reasonFr}` : ''}`,
      };
    case 'RMDX_MAP_UNKNOWN_CODE': {
      const list = detail.list ?? 'code';
      const listFr = listNamesFr[list] ?? list;
      return {
        message: `${col}: the value${val} is not a known ${list}${reason}; add it to the mapping's "${list}" crosswalk if it is valid`,
        messageFr: `${colFr} : la valeur${valFr} n'est pas connue dans la liste des ${listFr}${reasonFr} ; ajoutez-la à la table de correspondance « ${list} » du mapping si elle est valable`,
      };
    }
    case 'RMDX_MAP_MISSING_COLUMN':
      return {
        message: `the file has no column "${column}", which the mapping needs; no row of this file was mapped`,
        messageFr: `le fichier n'a pas de colonne « ${column} », dont le mapping a besoin ; aucune ligne de ce fichier n'a été reprise`,
      };
    case 'RMDX_MAP_MALFORMED_ROW':
      return {
        message: `the row is malformed${reason}`,
        messageFr: `la ligne est mal formée : elle a des cellules remplies au-delà des colonnes de l'en-tête (un séparateur dans une valeur sans guillemets ?)`,
      };
    case 'RMDX_MAP_NO_SOURCE':
      return {
        message: `no source of the mapping matches "${value}"; its rows were not mapped${reason}`,
        messageFr: `aucune source du mapping ne correspond à « ${value} » ; ses lignes n'ont pas été reprises${reasonFr}`,
      };
    case 'RMDX_MAP_EXPRESSION_FAILED':
      return {
        message: `the mapping expression failed on this row${reason}`,
        messageFr: `l'expression du mapping a échoué sur cette ligne${reasonFr}`,
      };
    case 'RMDX_MAP_BAD_OUTPUT':
      return {
        message: `the mapping produced something that is not a record${reason}`,
        messageFr: `le mapping a produit autre chose qu'un enregistrement${reasonFr}`,
      };
  }
}

/** A value as it is shown in an issue: text, at most 200 characters. */
export function issueValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  let text: string;
  if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
