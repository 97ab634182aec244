/**
 * Built-in code crosswalks: the words national systems use → the standard's codes. A mapping's
 * manifest may add entries (or whole lists) under `crosswalks`; lookups ignore case, accents,
 * punctuation and parentheses, so "Cassitérite", "CASSITERITE" and "cassiterite (Sn)" all match.
 */

/** The key a value is looked up by: no accents, lower case, no punctuation, single spaces. */
export function codeKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[()[\]]/g, '')
    .replace(/['’`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** ISO 3166-1 alpha-2, all 249 codes (the standard's `country` codelist). */
export const iso3166Alpha2 = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY ' +
  'BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM ' +
  'FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT ' +
  'JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN ' +
  'MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT ' +
  'PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL ' +
  'TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

type Table = Record<string, string | readonly string[]>;

/** code → the words that mean it (each is also matched by its codeKey). */
const builtIn: Record<string, Table> = {
  mineral: {
    gold: [
      'or',
      'gold',
      'au',
      'or brut',
      'or alluvionnaire',
      'or alluvial',
      'or filonien',
      'or primaire',
      'dore',
      'gold dore',
      'lingot dor',
      'minerai dor',
      'gold ore',
    ],
    cassiterite: [
      'cassiterite',
      'cassitérite',
      'etain',
      'étain',
      'tin',
      'tin ore',
      'sn',
      'minerai detain',
      'minerai d’étain',
      'cassiterite sn',
      'cassitérite (Sn)',
    ],
    wolframite: [
      'wolframite',
      'wolfram',
      'wolfram(ite)',
      'tungstene',
      'tungstène',
      'tungsten',
      'tungsten ore',
      'w',
      'minerai de tungstene',
      'scheelite',
      'ferberite',
      'ferbérite',
    ],
    coltan: [
      'coltan',
      'colombo tantalite',
      'colombo-tantalite',
      'columbo tantalite',
      'columbo-tantalite',
      'colombotantalite',
      'columbite tantalite',
      'columbite-tantalite',
      'tantalite',
      'tantale',
      'tantalum',
      'tantalum ore',
      'ta',
      'minerai de tantale',
      'coltan ta',
    ],
  },
  unit: {
    KGM: ['kg', 'kgs', 'kilo', 'kilos', 'kilogramme', 'kilogrammes', 'kilogram', 'kilograms', 'kgm'],
    TNE: [
      't',
      'tonne',
      'tonnes',
      'tm',
      'tonne metrique',
      'tonnes metriques',
      'mt',
      'metric ton',
      'metric tons',
      'metric tonne',
      'metric tonnes',
      'tne',
    ],
    GRM: ['g', 'gr', 'grs', 'gramme', 'grammes', 'gram', 'grams', 'grm'],
    APZ: [
      'oz',
      'ozt',
      'oz t',
      'once',
      'onces',
      'once troy',
      'onces troy',
      'troy ounce',
      'troy ounces',
      'apz',
    ],
    LBR: ['lb', 'lbs', 'livre', 'livres', 'pound', 'pounds', 'lbr'],
  },
  // MDC.01: 0 blue (not inspected), 1 green, 2 yellow, 3 red.
  mineStatus: {
    blue: ['0', 'blue', 'bleu', 'bleue', 'non inspecte', 'not inspected'],
    green: ['1', 'green', 'vert', 'verte'],
    yellow: ['2', 'yellow', 'jaune'],
    red: ['3', 'red', 'rouge'],
  },
  // MDC.02: 0 abandoned, 1 active, 2 non-active.
  activityStatus: {
    abandoned: ['0', 'abandoned', 'abandonne', 'abandonné', 'abandonnee', 'ferme', 'fermé', 'closed'],
    active: [
      '1',
      'active',
      'actif',
      'active',
      'en activite',
      'en activité',
      'operational',
      'en exploitation',
    ],
    inactive: [
      '2',
      'inactive',
      'inactif',
      'non actif',
      'non active',
      'non-active',
      'suspendu',
      'suspended',
      'en arret',
      'en arrêt',
    ],
  },
  lotOperation: {
    extraction: ['extraction', 'production', 'mine', 'creation', 'création'],
    purchase: ['purchase', 'achat', 'buy', 'acquisition'],
    processing: ['processing', 'traitement', 'transformation', 'lavage', 'concentration'],
    blending: ['blending', 'melange', 'mélange', 'regroupement', 'fusion'],
    splitting: ['splitting', 'split', 'fractionnement', 'division', 'scission'],
    export: ['export', 'exportation', 'expedition', 'expédition'],
  },
  actorRole: {
    miner: ['miner', 'mineur', 'creuseur', 'exploitant', 'exploitant artisanal'],
    cooperative: ['cooperative', 'coopérative', 'coop', 'cooperative miniere', 'coopérative minière'],
    trader: ['trader', 'negociant', 'négociant', 'commercant', 'commerçant', 'dealer'],
    processor: ['processor', 'transformateur', 'processing plant', 'usine de traitement'],
    exporter: [
      'exporter',
      'exportateur',
      'comptoir',
      'comptoir dachat',
      "comptoir d'achat",
      'entite de traitement',
      'entité de traitement',
    ],
    importer: ['importer', 'importateur'],
    smelter: ['smelter', 'fonderie', 'affineur', 'refiner', 'raffineur', 'raffinerie'],
    transporter: ['transporter', 'transporteur'],
  },
  licenceType: {
    mining_licence: [
      'mining_licence',
      'mining licence',
      'mining license',
      'permis dexploitation',
      "permis d'exploitation",
      'pe',
    ],
    artisanal_permit: [
      'artisanal_permit',
      'artisanal permit',
      'zea',
      'zone dexploitation artisanale',
      "zone d'exploitation artisanale",
      'carte dexploitant artisanal',
      'pepm',
    ],
    trading_licence: [
      'trading_licence',
      'trading licence',
      'trading license',
      'licence de negoce',
      'licence de négoce',
      'agrement de negociant',
    ],
    export_licence: [
      'export_licence',
      'export licence',
      'export license',
      'licence dexportation',
      "licence d'exportation",
      'agrement comptoir',
      'agrément comptoir',
    ],
    exploration_permit: [
      'exploration_permit',
      'exploration permit',
      'exploration licence',
      'permis de recherche',
      'pr',
    ],
    other: ['other', 'autre'],
  },
  inspectionResult: {
    green: ['green', 'vert', 'verte', '1'],
    yellow: ['yellow', 'jaune', '2'],
    red: ['red', 'rouge', '3'],
  },
  inspectorType: {
    government: [
      'government',
      'gouvernement',
      'etat',
      'état',
      'administration',
      'saemape',
      'division des mines',
      'rmb',
      'dgsm',
    ],
    tpa: ['tpa', 'third party auditor', 'auditeur tiers', 'third-party audit'],
    imca: [
      'imca',
      'independent mineral chain auditor',
      'auditeur independant de la chaine',
      'auditeur indépendant de la chaîne',
    ],
  },
  certificateStatus: {
    issued: ['issued', 'delivre', 'délivré', 'emis', 'émis', 'valide', 'valid'],
    used: ['used', 'utilise', 'utilisé', 'apure', 'apuré'],
    cancelled: ['cancelled', 'canceled', 'annule', 'annulé', 'revoked', 'revoque', 'révoqué'],
    expired: ['expired', 'expire', 'expiré', 'perime', 'périmé'],
  },
  country: {
    CD: [
      'rdc',
      'rd congo',
      'drc',
      'dr congo',
      'republique democratique du congo',
      'democratic republic of the congo',
      'democratic republic of congo',
      'congo kinshasa',
      'congo rdc',
      'congo democratique',
      'zaire',
      'cod',
    ],
    CG: ['republique du congo', 'republic of the congo', 'congo brazzaville', 'congo', 'cog'],
    RW: ['rwanda', 'rwa'],
    BI: ['burundi', 'bdi'],
    UG: ['uganda', 'ouganda', 'uga'],
    TZ: ['tanzania', 'tanzanie', 'republique unie de tanzanie', 'united republic of tanzania', 'tza'],
    KE: ['kenya', 'ken'],
    ZM: ['zambia', 'zambie', 'zmb'],
    AO: ['angola', 'ago'],
    CF: ['republique centrafricaine', 'centrafrique', 'central african republic', 'rca', 'car', 'caf'],
    SD: ['sudan', 'soudan', 'sdn'],
    SS: ['south sudan', 'soudan du sud', 'sud soudan', 'ssd'],
    AE: [
      'emirats arabes unis',
      'émirats arabes unis',
      'eau',
      'united arab emirates',
      'uae',
      'dubai',
      'dubaï',
      'are',
    ],
    CN: ['chine', 'china', 'chn', 'republique populaire de chine'],
    MY: ['malaisie', 'malaysia', 'mys'],
    TH: ['thailande', 'thaïlande', 'thailand', 'tha'],
    BE: ['belgique', 'belgium', 'bel'],
    CH: ['suisse', 'switzerland', 'che'],
    IN: ['inde', 'india', 'ind'],
    HK: ['hong kong', 'hongkong', 'hkg'],
    SG: ['singapour', 'singapore', 'sgp'],
    ZA: ['afrique du sud', 'south africa', 'zaf'],
    GB: ['royaume uni', 'united kingdom', 'uk', 'grande bretagne', 'gbr'],
    US: ['etats unis', 'états-unis', 'united states', 'usa', 'etats unis damerique'],
    KZ: ['kazakhstan', 'kaz'],
    EE: ['estonie', 'estonia'],
    AT: ['autriche', 'austria', 'aut'],
    VN: ['vietnam', 'viet nam', 'vnm'],
    RU: ['russie', 'russia', 'federation de russie', 'rus'],
    DE: ['allemagne', 'germany', 'deu'],
    FR: ['france', 'fra'],
    JP: ['japon', 'japan', 'jpn'],
    TR: ['turquie', 'turkey', 'turkiye', 'tur'],
    ID: ['indonesie', 'indonésie', 'indonesia', 'idn'],
    BR: ['bresil', 'brésil', 'brazil', 'bra'],
  },
};

export type CodeTable = ReadonlyMap<string, string>;

function addEntries(table: Map<string, string>, code: string, words: string | readonly string[]) {
  table.set(codeKey(code), code);
  for (const w of typeof words === 'string' ? [words] : words) {
    const key = codeKey(w);
    if (key !== '') table.set(key, code);
  }
}

/** Names of the built-in lists. */
export const builtInListNames = Object.keys(builtIn);

/**
 * The lookup tables of a mapping: the built-in lists, with the mapping's own entries added (they win
 * over built-in ones). `extra` maps a list name to { source word → code }.
 */
export function buildCodeTables(extra: Record<string, Record<string, string>> = {}): Map<string, CodeTable> {
  const tables = new Map<string, Map<string, string>>();
  for (const [list, entries] of Object.entries(builtIn)) {
    const table = new Map<string, string>();
    for (const [code, words] of Object.entries(entries)) addEntries(table, code, words);
    tables.set(list, table);
  }
  const country = tables.get('country')!;
  for (const code of iso3166Alpha2) country.set(codeKey(code), code);
  for (const [list, entries] of Object.entries(extra)) {
    const table = tables.get(list) ?? new Map<string, string>();
    for (const [word, code] of Object.entries(entries)) {
      const key = codeKey(word);
      if (key !== '') table.set(key, code);
    }
    tables.set(list, table);
  }
  return tables;
}

/** Looks a value up: the code, undefined when empty, or null when it is not known. */
export function lookupCode(table: CodeTable, value: unknown): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    if (value.trim() === '') return undefined;
    text = value;
  } else return null;
  // Code columns repeat a handful of values: remember the answer per exact text.
  let memo = memos.get(table);
  if (!memo) memos.set(table, (memo = new Map()));
  const known = memo.get(text);
  if (known !== undefined) return known;
  const answer = lookupText(table, text);
  if (memo.size < 10_000) memo.set(text, answer);
  return answer;
}

const memos = new WeakMap<CodeTable, Map<string, string | null>>();

function lookupText(table: CodeTable, text: string): string | null {
  const found = table.get(codeKey(text));
  if (found !== undefined) return found;
  // "Tin ore (cassiterite)", "Sn (étain)": try the words outside, then inside, the parentheses.
  const paren = /^(.*?)\(([^)]*)\)(.*)$/.exec(text);
  if (paren) {
    return table.get(codeKey(`${paren[1]} ${paren[3]}`)) ?? table.get(codeKey(paren[2]!)) ?? null;
  }
  return null;
}
