import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * Every word the console shows, in the ICGLR's two official languages. `fr` must have every key of
 * `en` (the type says so), so a missing translation is a type error, not an English word on a French page.
 */
const en = {
  appName: 'RMDX',
  appTitle: 'Secretariat console',
  skipToContent: 'Skip to main content',
  language: 'Language',
  mainNav: 'Main',
  signedInAs: 'Signed in as {name}',
  role_secretariat: 'Secretariat',
  role_auditor: 'Auditor',
  role_submitter: 'Member state',
  signOut: 'Sign out',
  loading: 'Loading…',
  errorTitle: 'Something went wrong',
  retry: 'Try again',
  notFound: 'This page does not exist.',
  noData: 'Nothing to show.',
  apply: 'Apply',
  reset: 'Reset',
  all: 'All',
  previous: 'Previous',
  next: 'Next',
  more: 'Load more',
  back: 'Back',
  showTable: 'Show the figures as a table',
  downloadCsv: 'Download CSV',
  yes: 'yes',
  no: 'no',
  none: 'none',

  // sign-in
  signInTitle: 'Sign in',
  signInIntro:
    'Sign in with the API key the Secretariat issued to you. The key is exchanged for a session; the console shows what the key’s role may see.',
  apiKey: 'API key',
  apiKeyHint: 'It begins with rmdx_.',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  badKey: 'This API key is unknown or has been revoked.',
  sessionEnded: 'Your session has ended. Please sign in again.',
  publicStatsLink: 'Public statistics (no sign-in needed)',

  // navigation
  nav_completeness: 'Completeness',
  nav_batches: 'Batches',
  nav_connectors: 'Connectors',
  nav_reconciliation: 'Reconciliation',
  nav_discrepancies: 'Discrepancies',
  nav_compliance: 'Compliance',
  nav_sites: 'Mine sites',
  nav_statistics: 'Public statistics',

  // completeness
  completenessTitle: 'Reporting completeness',
  completenessIntro:
    'Each member state’s monthly reporting over the last {months} months. A month is due by the end of day {day} of the following month (UTC). Select a cell to see its batches.',
  completenessCaption: 'Reporting status by member state (rows) and month (columns)',
  state: 'Member state',
  legend: 'Legend',
  cell_notDue: 'not due yet',
  cell_missing: 'missing',
  cell_received: 'received',
  cell_withErrors: 'with errors',
  cell_late: 'late',
  cell_complete: 'complete',
  cellLabel: '{country}, {month}: {state}',
  cellBatches: '{n} batch(es)',
  lateNote: 'first batch after the deadline',

  // batches
  batchesTitle: 'Batches',
  batchesCaption: 'Batches, newest first',
  country: 'Country',
  period: 'Month',
  status: 'Status',
  origin: 'Origin',
  origin_push: 'pushed',
  origin_connector: 'connector',
  received: 'Received',
  finished: 'Finished',
  records: 'Records',
  progress: 'Progress',
  batch: 'Batch',
  status_received: 'received',
  status_validating: 'validating',
  status_persisting: 'storing',
  status_completed: 'completed',
  status_completed_with_errors: 'completed with errors',
  status_rejected: 'rejected',
  status_failed: 'failed',
  batchTitle: 'Batch {country} {month}',
  summary: 'Summary',
  batchId: 'Batch id',
  schemaVersion: 'Standard version',
  submissionRef: 'National reference',
  acceptance: 'Acceptance',
  sha256: 'SHA-256 of the body',
  size: 'Size',
  attempts: 'Attempts',
  countsTitle: 'Counts per record type',
  recordType: 'Record type',
  count_received: 'received',
  count_stored: 'stored',
  count_invalid: 'invalid',
  count_voided: 'voided',
  count_rejected: 'rejected',
  total: 'Total',
  timingsTitle: 'Stage timings',
  stage: 'Stage',
  duration: 'Duration',
  issuesTitle: 'Issue report',
  issuesNone: 'No issue was found in this batch.',
  issuesCaption: 'Issues found in the records of this batch',
  recordIndex: 'Record #',
  key: 'Key',
  path: 'Field',
  code: 'Code',
  severity: 'Severity',
  severity_error: 'error',
  severity_warning: 'warning',
  message: 'Message',
  downloadIssues: 'Download the issue report (CSV)',
  replay: 'Replay the failed chunks',
  batchError: 'Error',
  progressLabel: '{done} of {total} records ({percent} %)',

  // connectors
  connectorsTitle: 'Connectors',
  connectorsIntro: 'Connectors pull from national databases and read their files on a schedule.',
  connectorsCaption: 'Configured connectors',
  name: 'Name',
  kind: 'Kind',
  health: 'Health',
  lastRun: 'Last run',
  nextRun: 'Next run',
  cursor: 'Cursor',
  lastError: 'Last error',
  rows: 'Rows read / mapped / rejected',
  runNow: 'Run now',
  runRequested: 'Run requested for {name}.',
  health_ok: 'healthy',
  health_failing: 'failing',
  health_paused: 'paused',
  health_never: 'never run',
  health_disabled: 'disabled',
  notAvailable: 'This part of the hub is not available on this server yet.',

  // reconciliation
  reconciliationTitle: 'Reconciliation',
  reconciliationIntro:
    'Exports of A to B against the imports of B from A, per month and mineral, in kilograms. A gap that persists is a discrepancy to follow up.',
  corridor: 'Corridor',
  exporter: 'Exporting state',
  importer: 'Importing state',
  mineral: 'Mineral',
  exportsAtoB: 'Exports {a} → {b}',
  importsBfromA: 'Imports {b} ← {a}',
  flowsChart: 'Corridor flows per month, {a} to {b}, {mineral}, kilograms',
  month: 'Month',
  massKg: 'Mass (kg)',
  valueUsd: 'Value (USD)',
  gap: 'Gap',
  runReconciliation: 'Run reconciliation for this month',
  runStarted: 'Reconciliation run started.',
  mineral_gold: 'gold',
  mineral_cassiterite: 'cassiterite (tin)',
  mineral_coltan: 'coltan (tantalum)',
  mineral_wolframite: 'wolframite (tungsten)',

  // discrepancies
  discrepanciesTitle: 'Discrepancies',
  discrepanciesCaption: 'Discrepancies',
  discrepancyTitle: 'Discrepancy {code}',
  severity_major: 'major',
  severity_minor: 'minor',
  severity_info: 'information',
  status_open: 'open',
  status_explained: 'explained',
  status_resolved: 'resolved',
  score: 'Score',
  reasons: 'Reasons',
  figures: 'Figures compared',
  exportSide: 'Export',
  importSide: 'Import',
  noRecord: 'No record on this side.',
  field: 'Field',
  comments: 'Comments',
  noComments: 'No comment yet.',
  addComment: 'Comment',
  changeStatus: 'Change the status',
  newStatus: 'New status',
  save: 'Save',
  saved: 'Saved.',
  link: 'Link',
  stage_: 'Stage',
  level: 'Level',
  weight: 'Weight',
  responsible: 'To answer',
  certificate: 'Certificate',
  noLink: 'No export and import were linked for this item.',

  // compliance
  complianceTitle: 'Compliance',
  complianceIntro:
    'Each member state’s compliance per month, with the figures behind each band. Select a figure to see the items behind it.',
  complianceCaption: 'Compliance per member state and month',
  band: 'Band',
  band_compliant: 'compliant',
  band_partial: 'partial',
  band_non_compliant: 'non-compliant',
  timeliness: 'Reported on time',
  certificateCoverage: 'Certificate coverage',
  confirmationRate: 'Confirmation rate',
  reliabilityIndex: 'Reliability index',
  openMajorItems: 'Open major items',
  overdueMajorItems: 'Overdue major items',

  // sites
  sitesTitle: 'Mine sites',
  sitesIntro: 'Mine sites reported by the member states, coloured by certification status.',
  mapTitle: 'Map of the ICGLR region with mine sites',
  mapDesc: 'Country outlines from Natural Earth. Each dot is a mine site; its colour is its status.',
  sitesCaption: 'Mine sites',
  site: 'Site',
  siteStatus: 'Certification status',
  mineStatus_blue: 'blue (not inspected)',
  mineStatus_green: 'green',
  mineStatus_yellow: 'yellow',
  mineStatus_red: 'red',
  activity: 'Activity',
  lastInspection: 'Last inspection',
  minerals: 'Minerals',
  location: 'Location',
  lotTraceTitle: 'Chain of custody of a lot',
  lotNumber: 'Lot number',
  trace: 'Trace',
  lotTitle: 'Lot {lot} ({country})',
  custodian: 'Custodian',
  operation: 'Operation',
  registered: 'Registered',
  inputLots: 'Made from',
  transfers: 'Transfers',
  from: 'From',
  to: 'To',
  when: 'When',
  siteOfOrigin: 'Mine site',
  exportsOfLot: 'Exports that carry this lot',

  // statistics
  statsTitle: 'Mineral trade statistics of the ICGLR member states',
  statsIntro:
    'Exports and imports of gold and of tin, tantalum and tungsten ores reported by the member states to the Regional Database on Mineral Flows, by state, mineral, partner and month.',
  statsFilters: 'Choose the figures',
  flow: 'Flow',
  flow_export: 'exports',
  flow_import: 'imports',
  reporter: 'Reporting state',
  partner: 'Partner',
  fromMonth: 'From',
  toMonth: 'To',
  statsChart: '{flow} per month, kilograms',
  statsCaption: 'Statistics by state, partner, mineral and month',
  shipments: 'Declarations',
  confidential: 'confidential',
  methodologyTitle: 'Methodology',
  backToConsole: 'Secretariat console',
  licences: 'Third-party licences',
  mapCredit: 'Map outlines: Natural Earth',
};

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  appName: 'RMDX',
  appTitle: 'Console du Secrétariat',
  skipToContent: 'Aller au contenu principal',
  language: 'Langue',
  mainNav: 'Navigation principale',
  signedInAs: 'Connecté : {name}',
  role_secretariat: 'Secrétariat',
  role_auditor: 'Auditeur',
  role_submitter: 'État membre',
  signOut: 'Se déconnecter',
  loading: 'Chargement…',
  errorTitle: 'Une erreur est survenue',
  retry: 'Réessayer',
  notFound: 'Cette page n’existe pas.',
  noData: 'Rien à afficher.',
  apply: 'Appliquer',
  reset: 'Réinitialiser',
  all: 'Tous',
  previous: 'Précédent',
  next: 'Suivant',
  more: 'Afficher plus',
  back: 'Retour',
  showTable: 'Afficher les chiffres sous forme de tableau',
  downloadCsv: 'Télécharger en CSV',
  yes: 'oui',
  no: 'non',
  none: 'aucun',

  signInTitle: 'Connexion',
  signInIntro:
    'Connectez-vous avec la clé d’API que le Secrétariat vous a délivrée. La clé est échangée contre une session ; la console montre ce que le rôle de la clé permet de voir.',
  apiKey: 'Clé d’API',
  apiKeyHint: 'Elle commence par rmdx_.',
  signIn: 'Se connecter',
  signingIn: 'Connexion…',
  badKey: 'Cette clé d’API est inconnue ou a été révoquée.',
  sessionEnded: 'Votre session a pris fin. Veuillez vous reconnecter.',
  publicStatsLink: 'Statistiques publiques (sans connexion)',

  nav_completeness: 'Complétude',
  nav_batches: 'Lots de données',
  nav_connectors: 'Connecteurs',
  nav_reconciliation: 'Rapprochement',
  nav_discrepancies: 'Écarts',
  nav_compliance: 'Conformité',
  nav_sites: 'Sites miniers',
  nav_statistics: 'Statistiques publiques',

  completenessTitle: 'Complétude des déclarations',
  completenessIntro:
    'Les déclarations mensuelles de chaque État membre sur les {months} derniers mois. Un mois est dû au plus tard à la fin du {day} du mois suivant (UTC). Sélectionnez une case pour voir ses lots.',
  completenessCaption: 'État des déclarations par État membre (lignes) et par mois (colonnes)',
  state: 'État membre',
  legend: 'Légende',
  cell_notDue: 'pas encore dû',
  cell_missing: 'manquant',
  cell_received: 'reçu',
  cell_withErrors: 'avec erreurs',
  cell_late: 'en retard',
  cell_complete: 'complet',
  cellLabel: '{country}, {month} : {state}',
  cellBatches: '{n} lot(s)',
  lateNote: 'premier lot reçu après l’échéance',

  batchesTitle: 'Lots de données',
  batchesCaption: 'Lots de données, du plus récent au plus ancien',
  country: 'Pays',
  period: 'Mois',
  status: 'Statut',
  origin: 'Origine',
  origin_push: 'envoyé',
  origin_connector: 'connecteur',
  received: 'Reçu',
  finished: 'Terminé',
  records: 'Enregistrements',
  progress: 'Avancement',
  batch: 'Lot',
  status_received: 'reçu',
  status_validating: 'validation',
  status_persisting: 'enregistrement',
  status_completed: 'terminé',
  status_completed_with_errors: 'terminé avec erreurs',
  status_rejected: 'rejeté',
  status_failed: 'échoué',
  batchTitle: 'Lot {country} {month}',
  summary: 'Résumé',
  batchId: 'Identifiant du lot',
  schemaVersion: 'Version de la norme',
  submissionRef: 'Référence nationale',
  acceptance: 'Acceptation',
  sha256: 'SHA-256 du contenu',
  size: 'Taille',
  attempts: 'Tentatives',
  countsTitle: 'Décomptes par type d’enregistrement',
  recordType: 'Type d’enregistrement',
  count_received: 'reçus',
  count_stored: 'enregistrés',
  count_invalid: 'invalides',
  count_voided: 'annulés',
  count_rejected: 'rejetés',
  total: 'Total',
  timingsTitle: 'Durée des étapes',
  stage: 'Étape',
  duration: 'Durée',
  issuesTitle: 'Rapport d’anomalies',
  issuesNone: 'Aucune anomalie dans ce lot.',
  issuesCaption: 'Anomalies relevées dans les enregistrements de ce lot',
  recordIndex: 'N° d’enregistrement',
  key: 'Clé',
  path: 'Champ',
  code: 'Code',
  severity: 'Gravité',
  severity_error: 'erreur',
  severity_warning: 'avertissement',
  message: 'Message',
  downloadIssues: 'Télécharger le rapport d’anomalies (CSV)',
  replay: 'Relancer les parties en échec',
  batchError: 'Erreur',
  progressLabel: '{done} enregistrements sur {total} ({percent} %)',

  connectorsTitle: 'Connecteurs',
  connectorsIntro:
    'Les connecteurs interrogent les bases de données nationales et lisent leurs fichiers selon un calendrier.',
  connectorsCaption: 'Connecteurs configurés',
  name: 'Nom',
  kind: 'Type',
  health: 'État',
  lastRun: 'Dernière exécution',
  nextRun: 'Prochaine exécution',
  cursor: 'Curseur',
  lastError: 'Dernière erreur',
  rows: 'Lignes lues / converties / rejetées',
  runNow: 'Exécuter maintenant',
  runRequested: 'Exécution demandée pour {name}.',
  health_ok: 'en bon état',
  health_failing: 'en échec',
  health_paused: 'en pause',
  health_never: 'jamais exécuté',
  health_disabled: 'désactivé',
  notAvailable: 'Cette partie du hub n’est pas encore disponible sur ce serveur.',

  reconciliationTitle: 'Rapprochement',
  reconciliationIntro:
    'Exportations de A vers B face aux importations de B en provenance de A, par mois et par minerai, en kilogrammes. Un écart qui persiste est à suivre.',
  corridor: 'Corridor',
  exporter: 'État exportateur',
  importer: 'État importateur',
  mineral: 'Minerai',
  exportsAtoB: 'Exportations {a} → {b}',
  importsBfromA: 'Importations {b} ← {a}',
  flowsChart: 'Flux du corridor par mois, de {a} vers {b}, {mineral}, en kilogrammes',
  month: 'Mois',
  massKg: 'Masse (kg)',
  valueUsd: 'Valeur (USD)',
  gap: 'Écart',
  runReconciliation: 'Lancer le rapprochement pour ce mois',
  runStarted: 'Rapprochement lancé.',
  mineral_gold: 'or',
  mineral_cassiterite: 'cassitérite (étain)',
  mineral_coltan: 'coltan (tantale)',
  mineral_wolframite: 'wolframite (tungstène)',

  discrepanciesTitle: 'Écarts',
  discrepanciesCaption: 'Écarts',
  discrepancyTitle: 'Écart {code}',
  severity_major: 'majeur',
  severity_minor: 'mineur',
  severity_info: 'information',
  status_open: 'ouvert',
  status_explained: 'expliqué',
  status_resolved: 'résolu',
  score: 'Score',
  reasons: 'Motifs',
  figures: 'Chiffres comparés',
  exportSide: 'Exportation',
  importSide: 'Importation',
  noRecord: 'Aucun enregistrement de ce côté.',
  field: 'Champ',
  comments: 'Commentaires',
  noComments: 'Aucun commentaire pour l’instant.',
  addComment: 'Commentaire',
  changeStatus: 'Changer le statut',
  newStatus: 'Nouveau statut',
  save: 'Enregistrer',
  saved: 'Enregistré.',
  link: 'Lien',
  stage_: 'Étape',
  level: 'Niveau',
  weight: 'Poids',
  responsible: 'Doit répondre',
  certificate: 'Certificat',
  noLink: 'Aucune exportation n’a été reliée à une importation pour cet élément.',

  complianceTitle: 'Conformité',
  complianceIntro:
    'La conformité de chaque État membre par mois, avec les chiffres qui fondent chaque niveau. Sélectionnez un chiffre pour voir les éléments correspondants.',
  complianceCaption: 'Conformité par État membre et par mois',
  band: 'Niveau',
  band_compliant: 'conforme',
  band_partial: 'partiel',
  band_non_compliant: 'non conforme',
  timeliness: 'Déclaré à temps',
  certificateCoverage: 'Couverture par certificats',
  confirmationRate: 'Taux de confirmation',
  reliabilityIndex: 'Indice de fiabilité',
  openMajorItems: 'Écarts majeurs ouverts',
  overdueMajorItems: 'Écarts majeurs en retard',

  sitesTitle: 'Sites miniers',
  sitesIntro: 'Les sites miniers déclarés par les États membres, colorés selon leur statut de certification.',
  mapTitle: 'Carte de la région de la CIRGL avec les sites miniers',
  mapDesc:
    'Contours des pays issus de Natural Earth. Chaque point est un site minier ; sa couleur est son statut.',
  sitesCaption: 'Sites miniers',
  site: 'Site',
  siteStatus: 'Statut de certification',
  mineStatus_blue: 'bleu (non inspecté)',
  mineStatus_green: 'vert',
  mineStatus_yellow: 'jaune',
  mineStatus_red: 'rouge',
  activity: 'Activité',
  lastInspection: 'Dernière inspection',
  minerals: 'Minerais',
  location: 'Emplacement',
  lotTraceTitle: 'Chaîne de traçabilité d’un lot',
  lotNumber: 'Numéro de lot',
  trace: 'Tracer',
  lotTitle: 'Lot {lot} ({country})',
  custodian: 'Détenteur',
  operation: 'Opération',
  registered: 'Enregistré',
  inputLots: 'Issu de',
  transfers: 'Transferts',
  from: 'De',
  to: 'À',
  when: 'Date',
  siteOfOrigin: 'Site minier',
  exportsOfLot: 'Exportations qui portent ce lot',

  statsTitle: 'Statistiques du commerce des minerais des États membres de la CIRGL',
  statsIntro:
    'Exportations et importations d’or et de minerais d’étain, de tantale et de tungstène déclarées par les États membres à la Base de données régionale sur les flux de minerais, par État, minerai, partenaire et mois.',
  statsFilters: 'Choisir les chiffres',
  flow: 'Flux',
  flow_export: 'exportations',
  flow_import: 'importations',
  reporter: 'État déclarant',
  partner: 'Partenaire',
  fromMonth: 'Du',
  toMonth: 'Au',
  statsChart: '{flow} par mois, en kilogrammes',
  statsCaption: 'Statistiques par État, partenaire, minerai et mois',
  shipments: 'Déclarations',
  confidential: 'confidentiel',
  methodologyTitle: 'Méthodologie',
  backToConsole: 'Console du Secrétariat',
  licences: 'Licences des composants tiers',
  mapCredit: 'Contours des cartes : Natural Earth',
};

export type Lang = 'en' | 'fr';
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, fr };

export interface I18n {
  lang: Lang;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** A key built at run time (a status, a code); falls back to the raw value when not translated. */
  tr(prefix: string, value: string | null | undefined): string;
  num(n: number | null | undefined, digits?: number): string;
  pct(n: number | null | undefined): string;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  month(period: string): string;
  country(code: string | null | undefined): string;
}

export function makeI18n(lang: Lang): I18n {
  const dict = dictionaries[lang];
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const regions = new Intl.DisplayNames([locale], { type: 'region' });
  const monthFmt = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dtFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  const t = (key: MessageKey, params?: Record<string, string | number>) => {
    let s = dict[key] ?? key;
    if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
  return {
    lang,
    t,
    tr: (prefix, value) => {
      if (value == null) return '—';
      const key = `${prefix}_${value}` as MessageKey;
      return key in dict ? dict[key] : value;
    },
    num: (n, digits = 0) =>
      n == null
        ? '—'
        : new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(
            n,
          ),
    pct: (n) =>
      n == null
        ? '—'
        : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(n),
    date: (iso) => (iso ? dateFmt.format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)) : '—'),
    dateTime: (iso) => (iso ? `${dtFmt.format(new Date(iso))} UTC` : '—'),
    month: (period) => monthFmt.format(new Date(`${period}-01T00:00:00Z`)),
    country: (code) => {
      if (!code) return '—';
      try {
        return regions.of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));
export const useI18n = () => useContext(I18nContext);

const LANG_KEY = 'rmdx.lang';

/** The remembered language: the page's <html lang> (set by the server from the cookie) or storage. */
export function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    if (stored === 'en' || stored === 'fr') return stored;
  } catch {
    // storage may be disabled; the cookie still carries the choice
  }
  return document.documentElement.lang === 'fr' ? 'fr' : 'en';
}

/** Remembers the choice in this browser (storage) and for the server's first paint (cookie). */
export function rememberLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // ignore
  }
  document.cookie = `rmdx_lang=${lang}; path=/; max-age=31536000; samesite=lax`;
  document.documentElement.lang = lang;
}
