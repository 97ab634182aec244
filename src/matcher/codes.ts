/**
 * The classification of reconciliation results (matching-research §3 and issue 4). A link carries
 * every code that applies to it (`OK` when none); a discrepancy is one code on one item. Link codes of
 * severity `info` (OK, CIF_FOB_ONLY, TIMING_LAG within the lag, PARTY_MISMATCH of legal form only) stay
 * on the link; every other code becomes a discrepancy that the states of the corridor answer.
 */
export const discrepancyCodes = [
  'OK',
  'CIF_FOB_ONLY',
  'TIMING_LAG',
  'QTY_MINOR',
  'QTY_MAJOR',
  'VALUE_MINOR',
  'VALUE_MAJOR',
  'UNIT_OR_CODE_ERROR',
  'PARTY_MISMATCH',
  'ORIGIN_MISMATCH',
  'UNMATCHED_EXPORT',
  'UNMATCHED_IMPORT',
  'AGG_ASYMMETRY',
  'CERT_UNKNOWN',
  'CERT_EXPIRED',
  'CERT_OVERDRAWN',
  'CERT_SITE_NOT_GREEN',
  'EXPORTER_SUSPENDED',
] as const;

export type DiscrepancyCode = (typeof discrepancyCodes)[number];

export const severities = ['info', 'minor', 'major'] as const;
export type Severity = (typeof severities)[number];

export const discrepancyStatuses = ['open', 'explained', 'resolved'] as const;
export type DiscrepancyStatus = (typeof discrepancyStatuses)[number];

export interface CodeSpec {
  /** What the code means, in one sentence (EN). */
  meaning: string;
  /** The same in French. */
  meaningFr: string;
  subtypes?: readonly string[];
  /** Which state answers for it: the exporter's, the importer's, or both (null). */
  responsible: 'exporting' | 'importing' | null;
  /** Counts towards a state's open major items (UNIT_OR_CODE_ERROR never does: research scenario 5). */
  penalty: boolean;
}

export const codeSpecs: Record<DiscrepancyCode, CodeSpec> = {
  OK: {
    meaning: 'Linked; weight and FOB value within tolerance.',
    meaningFr: 'Rapproché ; poids et valeur FOB dans la tolérance.',
    responsible: null,
    penalty: false,
  },
  CIF_FOB_ONLY: {
    meaning:
      'The import value exceeds the export value by what CIF adds to FOB, and agrees after conversion.',
    meaningFr: "La valeur à l'importation dépasse celle à l'exportation du seul écart CAF/FAB.",
    responsible: null,
    penalty: false,
  },
  TIMING_LAG: {
    meaning: 'Linked across months (informative within the lag of the mineral, minor beyond).',
    meaningFr: "Rapproché d'un mois sur l'autre (informatif dans le délai du minerai).",
    responsible: null,
    penalty: false,
  },
  QTY_MINOR: {
    meaning: 'The weights differ beyond the minor tolerance of the mineral.',
    meaningFr: 'Les poids diffèrent au-delà de la tolérance mineure du minerai.',
    responsible: null,
    penalty: false,
  },
  QTY_MAJOR: {
    meaning: 'The weights differ beyond the major tolerance of the mineral.',
    meaningFr: 'Les poids diffèrent au-delà de la tolérance majeure du minerai.',
    responsible: null,
    penalty: true,
  },
  VALUE_MINOR: {
    meaning: 'The FOB values differ by more than 5 %, or the unit price is outside the monthly band.',
    meaningFr: 'Les valeurs FAB diffèrent de plus de 5 %, ou le prix unitaire sort de la bande du mois.',
    subtypes: ['value', 'unit_price'],
    responsible: null,
    penalty: false,
  },
  VALUE_MAJOR: {
    meaning: 'The FOB values differ by more than 25 %.',
    meaningFr: 'Les valeurs FAB diffèrent de plus de 25 %.',
    responsible: null,
    penalty: true,
  },
  UNIT_OR_CODE_ERROR: {
    meaning:
      'The weights differ by a unit factor (g/kg, troy oz, pound, ore grade) or the HS codes by 7108/7112.',
    meaningFr:
      "Les poids diffèrent d'un facteur d'unité (g/kg, once troy, livre, teneur) ou les codes SH par 7108/7112.",
    subtypes: ['unit', 'grade', 'hs_code'],
    responsible: null,
    penalty: false,
  },
  PARTY_MISMATCH: {
    meaning: 'Linked, but the exporter or importer names differ.',
    meaningFr: "Rapproché, mais les noms de l'exportateur ou de l'importateur diffèrent.",
    subtypes: ['exporter', 'importer', 'both'],
    responsible: null,
    penalty: false,
  },
  ORIGIN_MISMATCH: {
    meaning: 'Linked, but the import declares another origin than the exporting state.',
    meaningFr: "Rapproché, mais l'importation déclare une autre origine que l'État exportateur.",
    responsible: 'importing',
    penalty: true,
  },
  UNMATCHED_EXPORT: {
    meaning: 'No import of the partner matches this export.',
    meaningFr: 'Aucune importation du partenaire ne correspond à cette exportation.',
    subtypes: ['awaiting_lag', 'partner_not_reported', 'suspected_diversion'],
    responsible: null,
    penalty: true,
  },
  UNMATCHED_IMPORT: {
    meaning: 'No export of the declared origin matches this import.',
    meaningFr: "Aucune exportation de l'origine déclarée ne correspond à cette importation.",
    responsible: 'importing',
    penalty: true,
  },
  AGG_ASYMMETRY: {
    meaning: 'The monthly or rolling 3-month mirror ratio of the corridor is outside the band.',
    meaningFr: 'Le ratio miroir mensuel ou sur 3 mois glissants du corridor sort de la bande.',
    subtypes: ['month', 'rolling_3m'],
    responsible: null,
    penalty: true,
  },
  CERT_UNKNOWN: {
    meaning: 'The import cites a certificate that no state issued.',
    meaningFr: "L'importation cite un certificat qu'aucun État n'a délivré.",
    subtypes: ['not_issued', 'bad_prefix', 'near_match'],
    responsible: 'importing',
    penalty: true,
  },
  CERT_EXPIRED: {
    meaning: 'The certificate had expired or was cancelled when the goods moved.',
    meaningFr: 'Le certificat était expiré ou annulé lors du mouvement.',
    subtypes: ['date', 'status'],
    responsible: 'importing',
    penalty: true,
  },
  CERT_OVERDRAWN: {
    meaning: 'More was imported under the certificate than it covers.',
    meaningFr: 'Plus a été importé sous ce certificat qu’il n’en couvre.',
    responsible: null,
    penalty: true,
  },
  CERT_SITE_NOT_GREEN: {
    meaning: 'Lots of the certificate trace to a mine site that was neither green nor yellow when shipped.',
    meaningFr: "Des lots du certificat remontent à un site ni vert ni jaune lors de l'expédition.",
    responsible: 'exporting',
    penalty: true,
  },
  EXPORTER_SUSPENDED: {
    meaning: 'The exporter was suspended (red audit flag) when it shipped.',
    meaningFr: "L'exportateur était suspendu (drapeau rouge) lors de l'expédition.",
    responsible: 'exporting',
    penalty: true,
  },
};

export function isDiscrepancyCode(v: unknown): v is DiscrepancyCode {
  return typeof v === 'string' && (discrepancyCodes as readonly string[]).includes(v);
}

const severityRank: Record<Severity, number> = { info: 0, minor: 1, major: 2 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank[a] >= severityRank[b] ? a : b;
}
