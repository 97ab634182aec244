/* eslint-disable */
/**
 * Types of the regional data standard 1.0.0, generated from schemas/1.0.0/ by
 * scripts/gen-types.ts (json-schema-to-typescript). Do not edit: run `npm run gen:types`.
 */

/**
 * What to do with the record: upsert (default: create it, or replace the record with the same key and keep its history) or void (withdraw the record with this key; a void record needs only recordType, action and the key field). — FR: Ce qu'il faut faire de l'enregistrement : upsert (par défaut : le créer, ou remplacer l'enregistrement de même clé en conservant son historique) ou void (annuler l'enregistrement de cette clé ; un enregistrement void n'a besoin que de recordType, action et du champ clé).
 */
export type Action = 'upsert' | 'void';
/**
 * An identifier assigned by a national system (site, actor, licence, lot, transfer, export, import or inspection number): 1 to 100 characters, no leading or trailing spaces, no line breaks. Identifiers are compared exactly (case-sensitive). — FR: Un identifiant attribué par un système national (numéro de site, d'acteur, de titre, de lot, de transfert, d'exportation, d'importation ou d'inspection) : 1 à 100 caractères, sans espace au début ni à la fin, sans saut de ligne. Les identifiants sont comparés à l'identique (sensibles à la casse).
 */
export type Identifier = string;
/**
 * A name of a person, organisation or place: 1 to 300 characters. — FR: Le nom d'une personne, d'une organisation ou d'un lieu : 1 à 300 caractères.
 */
export type Name = string;
/**
 * Any of the 249 officially assigned ISO 3166-1 alpha-2 country codes, upper case (e.g. AE United Arab Emirates, BE Belgium, CH Switzerland, CN China, GB United Kingdom, HK Hong Kong, IN India, MY Malaysia, TH Thailand). Used for destinations, origins and actors outside the region. Note that the United Kingdom is GB, not UK. — FR: L'un des 249 codes pays ISO 3166-1 alpha-2 officiellement attribués, en majuscules (p. ex. AE Émirats arabes unis, BE Belgique, CH Suisse, CN Chine, GB Royaume-Uni, HK Hong Kong, IN Inde, MY Malaisie, TH Thaïlande). Utilisé pour les destinations, les origines et les acteurs hors de la région. Le Royaume-Uni est GB, et non UK.
 */
export type Country =
  | 'AD'
  | 'AE'
  | 'AF'
  | 'AG'
  | 'AI'
  | 'AL'
  | 'AM'
  | 'AO'
  | 'AQ'
  | 'AR'
  | 'AS'
  | 'AT'
  | 'AU'
  | 'AW'
  | 'AX'
  | 'AZ'
  | 'BA'
  | 'BB'
  | 'BD'
  | 'BE'
  | 'BF'
  | 'BG'
  | 'BH'
  | 'BI'
  | 'BJ'
  | 'BL'
  | 'BM'
  | 'BN'
  | 'BO'
  | 'BQ'
  | 'BR'
  | 'BS'
  | 'BT'
  | 'BV'
  | 'BW'
  | 'BY'
  | 'BZ'
  | 'CA'
  | 'CC'
  | 'CD'
  | 'CF'
  | 'CG'
  | 'CH'
  | 'CI'
  | 'CK'
  | 'CL'
  | 'CM'
  | 'CN'
  | 'CO'
  | 'CR'
  | 'CU'
  | 'CV'
  | 'CW'
  | 'CX'
  | 'CY'
  | 'CZ'
  | 'DE'
  | 'DJ'
  | 'DK'
  | 'DM'
  | 'DO'
  | 'DZ'
  | 'EC'
  | 'EE'
  | 'EG'
  | 'EH'
  | 'ER'
  | 'ES'
  | 'ET'
  | 'FI'
  | 'FJ'
  | 'FK'
  | 'FM'
  | 'FO'
  | 'FR'
  | 'GA'
  | 'GB'
  | 'GD'
  | 'GE'
  | 'GF'
  | 'GG'
  | 'GH'
  | 'GI'
  | 'GL'
  | 'GM'
  | 'GN'
  | 'GP'
  | 'GQ'
  | 'GR'
  | 'GS'
  | 'GT'
  | 'GU'
  | 'GW'
  | 'GY'
  | 'HK'
  | 'HM'
  | 'HN'
  | 'HR'
  | 'HT'
  | 'HU'
  | 'ID'
  | 'IE'
  | 'IL'
  | 'IM'
  | 'IN'
  | 'IO'
  | 'IQ'
  | 'IR'
  | 'IS'
  | 'IT'
  | 'JE'
  | 'JM'
  | 'JO'
  | 'JP'
  | 'KE'
  | 'KG'
  | 'KH'
  | 'KI'
  | 'KM'
  | 'KN'
  | 'KP'
  | 'KR'
  | 'KW'
  | 'KY'
  | 'KZ'
  | 'LA'
  | 'LB'
  | 'LC'
  | 'LI'
  | 'LK'
  | 'LR'
  | 'LS'
  | 'LT'
  | 'LU'
  | 'LV'
  | 'LY'
  | 'MA'
  | 'MC'
  | 'MD'
  | 'ME'
  | 'MF'
  | 'MG'
  | 'MH'
  | 'MK'
  | 'ML'
  | 'MM'
  | 'MN'
  | 'MO'
  | 'MP'
  | 'MQ'
  | 'MR'
  | 'MS'
  | 'MT'
  | 'MU'
  | 'MV'
  | 'MW'
  | 'MX'
  | 'MY'
  | 'MZ'
  | 'NA'
  | 'NC'
  | 'NE'
  | 'NF'
  | 'NG'
  | 'NI'
  | 'NL'
  | 'NO'
  | 'NP'
  | 'NR'
  | 'NU'
  | 'NZ'
  | 'OM'
  | 'PA'
  | 'PE'
  | 'PF'
  | 'PG'
  | 'PH'
  | 'PK'
  | 'PL'
  | 'PM'
  | 'PN'
  | 'PR'
  | 'PS'
  | 'PT'
  | 'PW'
  | 'PY'
  | 'QA'
  | 'RE'
  | 'RO'
  | 'RS'
  | 'RU'
  | 'RW'
  | 'SA'
  | 'SB'
  | 'SC'
  | 'SD'
  | 'SE'
  | 'SG'
  | 'SH'
  | 'SI'
  | 'SJ'
  | 'SK'
  | 'SL'
  | 'SM'
  | 'SN'
  | 'SO'
  | 'SR'
  | 'SS'
  | 'ST'
  | 'SV'
  | 'SX'
  | 'SY'
  | 'SZ'
  | 'TC'
  | 'TD'
  | 'TF'
  | 'TG'
  | 'TH'
  | 'TJ'
  | 'TK'
  | 'TL'
  | 'TM'
  | 'TN'
  | 'TO'
  | 'TR'
  | 'TT'
  | 'TV'
  | 'TW'
  | 'TZ'
  | 'UA'
  | 'UG'
  | 'UM'
  | 'US'
  | 'UY'
  | 'UZ'
  | 'VA'
  | 'VC'
  | 'VE'
  | 'VG'
  | 'VI'
  | 'VN'
  | 'VU'
  | 'WF'
  | 'WS'
  | 'YE'
  | 'YT'
  | 'ZA'
  | 'ZM'
  | 'ZW';
/**
 * Role an actor plays in the mineral supply chain (MDC.05): miner, cooperative (miners’ cooperative), trader (négociant, comptoir buying from mines), processor (upgrades or concentrates ore), exporter, importer, smelter (or refiner), transporter. — FR: Rôle d'un acteur dans la chaîne d'approvisionnement (MDC.05) : miner = creuseur ou exploitant, cooperative = coopérative minière, trader = négociant ou comptoir achetant aux sites, processor = transformateur (enrichit ou concentre le minerai), exporter = exportateur, importer = importateur, smelter = fonderie ou affineur, transporter = transporteur.
 */
export type ActorRole =
  'miner' | 'cooperative' | 'trader' | 'processor' | 'exporter' | 'importer' | 'smelter' | 'transporter';
/**
 * Result of the latest third-party audit of an actor: green = conforms, yellow = probation (about 6 months to correct), red = exports suspended (about 6 months). — FR: Résultat du dernier audit par tierce partie d'un acteur : green = vert, conforme ; yellow = jaune, période probatoire (environ 6 mois pour corriger) ; red = rouge, exportations suspendues (environ 6 mois).
 */
export type AuditFlag = 'green' | 'yellow' | 'red';
/**
 * A calendar date in ISO 8601 extended form YYYY-MM-DD (e.g. 2026-03-14), a real day of the calendar; no time and no time zone. — FR: Une date calendaire au format étendu ISO 8601 AAAA-MM-JJ (p. ex. 2026-03-14), un jour réel du calendrier ; sans heure ni fuseau horaire.
 */
export type IsoDate = string;
/**
 * A version number MAJOR.MINOR.PATCH (Semantic Versioning 2.0.0, without pre-release or build suffix), e.g. 1.0.0. — FR: Un numéro de version MAJEUR.MINEUR.CORRECTIF (Semantic Versioning 2.0.0, sans suffixe de pré-version ni de build), p. ex. 1.0.0.
 */
export type SemVer = string;
/**
 * ISO 3166-1 alpha-2 code of one of the 12 ICGLR member states: AO Angola, BI Burundi, CD Democratic Republic of the Congo, CF Central African Republic, CG Republic of the Congo, KE Kenya, RW Rwanda, SD Sudan, SS South Sudan, TZ Tanzania, UG Uganda, ZM Zambia. Only member states submit batches. — FR: Code ISO 3166-1 alpha-2 de l'un des 12 États membres de la CIRGL : AO Angola, BI Burundi, CD République démocratique du Congo, CF République centrafricaine, CG République du Congo, KE Kenya, RW Rwanda, SD Soudan, SS Soudan du Sud, TZ Tanzanie, UG Ouganda, ZM Zambie. Seuls les États membres soumettent des lots de données.
 */
export type MemberState = 'AO' | 'BI' | 'CD' | 'CF' | 'CG' | 'KE' | 'RW' | 'SD' | 'SS' | 'TZ' | 'UG' | 'ZM';
/**
 * A reporting month in the form YYYY-MM (month 01 to 12), e.g. 2026-03. — FR: Un mois de déclaration au format AAAA-MM (mois 01 à 12), p. ex. 2026-03.
 */
export type Period = string;
/**
 * A short free text: 1 to 300 characters. — FR: Un texte libre court : 1 à 300 caractères.
 */
export type ShortText = string;
/**
 * How the hub treats a batch with invalid records: partial (default: valid records are kept, invalid ones are reported) or all-or-nothing (one error rejects the whole batch; warnings do not). — FR: Comment le hub traite un envoi contenant des enregistrements invalides : partial = partiel (par défaut : les enregistrements valides sont conservés, les invalides sont signalés) ou all-or-nothing = tout ou rien (une seule erreur rejette tout le lot ; les avertissements non).
 */
export type Acceptance = 'partial' | 'all-or-nothing';
/**
 * Any one record of the standard, told apart by recordType. The value of recordType selects the schema that applies (mineSite, actor, licence, inspection, lot, custodyTransfer, export, import, certificate.schema.json). A record whose recordType is missing or not one of the nine types is reported only for that (RMDX_VAL_UNKNOWN_RECORD_TYPE) and its other fields are not checked. — FR: N'importe quel enregistrement de la norme, distingué par recordType. La valeur de recordType choisit le schéma qui s'applique (mineSite, actor, licence, inspection, lot, custodyTransfer, export, import, certificate.schema.json). Un enregistrement dont le recordType manque ou n'est pas l'un des neuf types n'est signalé que pour cela (RMDX_VAL_UNKNOWN_RECORD_TYPE) et ses autres champs ne sont pas contrôlés.
 */
export type AnyRecord = {
  [k: string]: unknown | undefined;
} & {
  /**
   * Which kind of record this is: mineSite, actor, licence, inspection, lot, custodyTransfer, export, import or certificate (case-sensitive). — FR: Le type d'enregistrement : mineSite, actor, licence, inspection, lot, custodyTransfer, export, import ou certificate (sensible à la casse).
   */
  recordType:
    | 'mineSite'
    | 'actor'
    | 'licence'
    | 'inspection'
    | 'lot'
    | 'custodyTransfer'
    | 'export'
    | 'import'
    | 'certificate';
};
/**
 * Number of an ICGLR Regional Certificate: begins with the ISO 3166-1 alpha-2 code of the issuing country and a hyphen, e.g. RW-2026-000123; then letters, digits, hyphens, dots, slashes or spaces, ending with a letter or digit; at most 50 characters. The hub compares certificate numbers after upper-casing them and removing spaces, so "rw-2026-000123" and "RW-2026 000123" are the same certificate. — FR: Numéro d'un Certificat régional de la CIRGL : commence par le code ISO 3166-1 alpha-2 du pays émetteur et un trait d'union, p. ex. RW-2026-000123 ; suivent des lettres, chiffres, traits d'union, points, barres obliques ou espaces, et il se termine par une lettre ou un chiffre ; au plus 50 caractères. Le hub compare les numéros après mise en majuscules et suppression des espaces : « rw-2026-000123 » et « RW-2026 000123 » désignent le même certificat.
 */
export type CertificateNumber = string;
/**
 * Mineral designated by the ICGLR Regional Certification Mechanism (MDC.03): gold (HS 7108.12), cassiterite (tin ore, HS 2609.00), wolframite (tungsten ore, HS 2611.00), coltan (tantalum-niobium ore, HS 2615.90). — FR: Minerai désigné par le Mécanisme régional de certification de la CIRGL (MDC.03) : gold = or (SH 7108.12), cassiterite = cassitérite (minerai d'étain, SH 2609.00), wolframite (minerai de tungstène, SH 2611.00), coltan (minerai de tantale-niobium, SH 2615.90).
 */
export type Mineral = 'gold' | 'cassiterite' | 'wolframite' | 'coltan';
/**
 * Harmonized System commodity code of 6 to 10 digits, with or without dots after the 4th, 6th and 8th digit: e.g. 2609.00 (cassiterite), 2611.00 (wolframite), 2615.90 (coltan), 7108.12 (gold, non-monetary, unwrought), or national extensions such as 2615.90.00. The hub compares on the first 6 digits. — FR: Code de marchandise du Système harmonisé de 6 à 10 chiffres, avec ou sans points après le 4e, le 6e et le 8e chiffre : p. ex. 2609.00 (cassitérite), 2611.00 (wolframite), 2615.90 (coltan), 7108.12 (or non monétaire, sous forme brute), ou des extensions nationales comme 2615.90.00. Le hub compare les 6 premiers chiffres.
 */
export type HsCode = string;
/**
 * A net mass, a number greater than 0, expressed in the unit given in the unit field of the same record (KGM, GRM, TNE, LBR or APZ). The hub also stores it converted to kilograms. — FR: Une masse nette, nombre strictement supérieur à 0, exprimée dans l'unité donnée par le champ unit du même enregistrement (KGM, GRM, TNE, LBR ou APZ). Le hub la conserve aussi convertie en kilogrammes.
 */
export type Mass = number;
/**
 * Unit of the mass field, UN/ECE Recommendation 20 common code (MDC.07): KGM kilogram, GRM gram, TNE tonne (1000 kg), LBR pound (0.45359237 kg), APZ troy ounce (31.1034768 g). Masses are net; the hub also stores every mass in kilograms. — FR: Unité du champ mass, code commun de la Recommandation 20 de la CEE-ONU (MDC.07) : KGM kilogramme, GRM gramme, TNE tonne (1000 kg), LBR livre (0,45359237 kg), APZ once troy (31,1034768 g). Les masses sont nettes ; le hub conserve aussi chaque masse en kilogrammes.
 */
export type Unit = 'KGM' | 'GRM' | 'TNE' | 'LBR' | 'APZ';
/**
 * Grade (concentration) in percent, 0 to 100: Sn for cassiterite, WO3 for wolframite, Ta2O5 for coltan, Au purity (fineness ÷ 10) for gold. Grade must travel with mass so that quantities can be compared as metal content. — FR: Teneur (concentration) en pour cent, de 0 à 100 : Sn pour la cassitérite, WO3 pour la wolframite, Ta2O5 pour le coltan, pureté en Au (titre ÷ 10) pour l'or. La teneur doit accompagner la masse pour comparer les quantités en contenu métal.
 */
export type GradePct = number;
/**
 * An amount in United States dollars, 0 or more, decimals allowed. — FR: Un montant en dollars des États-Unis, 0 ou plus, décimales permises.
 */
export type ValueUsd = number;
/**
 * A list of lotNumber values, each at most once, at most 5000 items. — FR: Une liste de valeurs lotNumber, chacune au plus une fois, au plus 5000 éléments.
 *
 * @maxItems 5000
 */
export type LotNumberList = Identifier[];
/**
 * A list of identifiers, each at most once, at most 1000 items. — FR: Une liste d'identifiants, chacun au plus une fois, au plus 1000 éléments.
 *
 * @maxItems 1000
 */
export type IdentifierList = Identifier[];
/**
 * Life-cycle status of an ICGLR Regional Certificate: issued (valid, not yet used), used (the shipment has left), cancelled (withdrawn by the issuer), expired (validity passed without use). — FR: Statut du Certificat régional de la CIRGL dans son cycle de vie : issued = délivré (valide, pas encore utilisé), used = utilisé (l'expédition est partie), cancelled = annulé par l'émetteur, expired = expiré sans avoir été utilisé.
 */
export type CertificateStatus = 'issued' | 'used' | 'cancelled' | 'expired';
/**
 * A date and time in RFC 3339 form with a time zone offset, e.g. 2026-03-14T09:30:00+02:00 or 2026-03-14T07:30:00Z. A timestamp without an offset is rejected. — FR: Une date et une heure au format RFC 3339 avec décalage horaire, p. ex. 2026-03-14T09:30:00+02:00 ou 2026-03-14T07:30:00Z. Un horodatage sans décalage est rejeté.
 */
export type Timestamp = string;
/**
 * Status found by an inspection (MDC.01 without blue, since an inspected site is no longer blue): green, yellow or red. — FR: Statut constaté par une inspection (MDC.01 sans le bleu, puisqu'un site inspecté n'est plus bleu) : green = vert, yellow = jaune ou red = rouge.
 */
export type InspectionResult = 'green' | 'yellow' | 'red';
/**
 * Who carried out the inspection: government (national mining authority), tpa (third-party auditor), imca (the ICGLR Independent Mineral Chain Auditor). — FR: Qui a mené l'inspection : government = l'administration minière nationale, tpa = auditeur tiers, imca = l'Auditeur indépendant de la chaîne minérale de la CIRGL.
 */
export type InspectorType = 'government' | 'tpa' | 'imca';
/**
 * A free-text note: at most 4000 characters. — FR: Une note en texte libre : au plus 4000 caractères.
 */
export type Note = string;
/**
 * Type of mining or trading title (MD.02): mining_licence (industrial or small-scale mining licence, permis d’exploitation), artisanal_permit (artisanal mining permit or zone), trading_licence (trader / dealer licence), export_licence, exploration_permit, other (any other title; explain in the national system). — FR: Type de titre minier ou commercial (MD.02) : mining_licence = permis d'exploitation (industrielle ou à petite échelle), artisanal_permit = autorisation ou zone d'exploitation artisanale, trading_licence = agrément de négociant ou de comptoir, export_licence = licence d'exportation, exploration_permit = permis de recherche, other = tout autre titre.
 */
export type LicenceType =
  | 'mining_licence'
  | 'artisanal_permit'
  | 'trading_licence'
  | 'export_licence'
  | 'exploration_permit'
  | 'other';
/**
 * One or more designated minerals (codelist mineral), each at most once. — FR: Un ou plusieurs minerais désignés (liste de codes mineral), chacun au plus une fois.
 *
 * @minItems 1
 * @maxItems 20
 */
export type MineralList = Mineral[];
/**
 * A whole number of packages (bags, drums, boxes), at least 1. — FR: Un nombre entier de colis (sacs, fûts, boîtes), au moins 1.
 */
export type PackageCount = number;
/**
 * The chain-of-custody operation that created the lot (MDC.06): extraction (produced at a mine site; siteId required), purchase (bought and re-tagged by a trader), processing (upgraded, washed or concentrated), blending (several input lots combined), splitting (one input lot divided), export (lot made up for export). — FR: L'opération de la chaîne de possession qui a créé le lot (MDC.06) : extraction (produit sur un site minier ; siteId obligatoire), purchase = achat (acheté et réétiqueté par un négociant), processing = traitement (enrichi, lavé ou concentré), blending = mélange (plusieurs lots d'entrée réunis), splitting = division (un lot d'entrée divisé), export = lot constitué pour l'exportation.
 */
export type LotOperation = 'extraction' | 'purchase' | 'processing' | 'blending' | 'splitting' | 'export';
/**
 * Number of a tag or seal attached to a bag or package (MD.11), 1 to 100 characters. — FR: Numéro d'une étiquette ou d'un scellé apposé sur un sac ou un colis (MD.11), 1 à 100 caractères.
 */
export type Tag = string;
/**
 * Certification status of a mine site (ICGLR MDC.01): blue = not inspected (MDC.01 code 0), green = meets all standards and may produce certified minerals (1), yellow = important breaches, may still produce under a correction period (2), red = serious breach of a critical criterion, no production allowed (3). National systems that hold the numeric codes 0–3 send the words; their connector maps them. — FR: Statut de certification d'un site minier (CIRGL MDC.01) : blue = bleu, non inspecté (code MDC.01 0), green = vert, conforme à toutes les normes et peut produire des minerais certifiés (1), yellow = jaune, manquements importants, peut encore produire pendant une période de correction (2), red = rouge, manquement grave à un critère critique, aucune production autorisée (3). Les systèmes nationaux qui tiennent les codes numériques 0–3 envoient les mots ; leur connecteur fait la conversion.
 */
export type MineStatus = 'blue' | 'green' | 'yellow' | 'red';
/**
 * Whether the mine site is worked (ICGLR MDC.02): active (code 1), inactive = temporarily not worked (code 2), abandoned (code 0). — FR: Indique si le site minier est exploité (CIRGL MDC.02) : active = actif (code 1), inactive = non actif, temporairement non exploité (code 2), abandoned = abandonné (code 0).
 */
export type ActivityStatus = 'active' | 'inactive' | 'abandoned';

/**
 * Every document of version 1.0.0, for type generation only.
 */
export interface Standard_1_0_0 {
  actor?: ActorRecord;
  batch?: Batch;
  certificate?: CertificateRecord;
  codelists?: Codelists;
  common?: Common;
  custodyTransfer?: CustodyTransferRecord;
  export?: ExportRecord;
  import?: ImportRecord;
  inspection?: InspectionRecord;
  licence?: LicenceRecord;
  lot?: LotRecord;
  mineSite?: MineSiteRecord;
  record?: AnyRecord;
}
/**
 * A person, cooperative or company in the mineral supply chain (ICGLR Data Standard MD.04): miners, cooperatives, traders, processors, exporters, importers, smelters and transporters registered with, or dealing with, the reporting member state. Key: actorId; identity: (reportingCountry, "actor", actorId). Lots, transfers, licences, exports and certificates refer to actors by actorId. A void record needs only recordType, action and actorId. Checked by the hub, not by this schema: auditStatus.date must not lie in the future (RMDX_VAL_FUTURE_DATE); actorId unique within the batch (RMDX_VAL_DUPLICATE_KEY). An actor is reference data without an event date (no RMDX_VAL_PERIOD_MISMATCH). — FR: Une personne, coopérative ou société de la chaîne d'approvisionnement (Norme de données de la CIRGL MD.04) : creuseurs, coopératives, négociants, transformateurs, exportateurs, importateurs, fonderies et transporteurs enregistrés auprès de l'État membre déclarant ou en relation avec lui. Clé : actorId ; identité : (reportingCountry, « actor », actorId). Les lots, transferts, titres, exportations et certificats désignent les acteurs par actorId. Un enregistrement void n'a besoin que de recordType, action et actorId. Contrôlé par le hub et non par ce schéma : auditStatus.date ne doit pas être dans le futur (RMDX_VAL_FUTURE_DATE) ; actorId unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY). Un acteur est une donnée de référence sans date d'événement (pas de RMDX_VAL_PERIOD_MISMATCH).
 */
export interface ActorRecord {
  /**
   * Always "actor" for this record type. — FR: Toujours « actor » pour ce type d'enregistrement.
   */
  recordType?: 'actor';
  action?: Action;
  actorId?: Identifier;
  name?: Name;
  country?: Country;
  /**
   * Roles the actor plays in the chain of custody (codelist actorRole, MDC.05); when given, at least one, each once. — FR: Rôles de l'acteur dans la chaîne de possession (liste de codes actorRole, MDC.05) ; quand la liste est donnée, au moins un, chacun une seule fois.
   *
   * @minItems 1
   * @maxItems 20
   */
  roles?: ActorRole[];
  registrationNumber?: Identifier;
  /**
   * Latest third-party audit result of the actor (chiefly exporters): flag (required when auditStatus is given), the date of the audit decision, and suspendedUntil for a red or yellow flag. — FR: Dernier résultat d'audit par tierce partie de l'acteur (surtout les exportateurs) : flag (obligatoire quand auditStatus est donné), la date de la décision d'audit et suspendedUntil pour un drapeau rouge ou jaune.
   */
  auditStatus?: {
    flag: AuditFlag;
    date?: IsoDate;
    suspendedUntil?: IsoDate;
  };
}
/**
 * One submission of one member state for one reporting month: an envelope and 1 to 500000 records of any type. Submit it to POST /v1/batches, or check it first with POST /v1/validate or offline with rmdx validate. The hub validates every record against record.schema.json, then runs checks that need the envelope or several records: a mine site’s country equals reportingCountry (RMDX_VAL_COUNTRY_MISMATCH); exports from certifying states carry a certificate (RMDX_VAL_CERTIFICATE_REQUIRED) whose number, like that of certificate records, begins with reportingCountry and a hyphen (RMDX_VAL_CERTIFICATE_PREFIX); record keys are unique per recordType within the batch, the later duplicates being reported (RMDX_VAL_DUPLICATE_KEY); dates of facts (event dates, statusSince, lastInspectionDate, auditStatus.date) are not in the future, while the validity limits validFrom, validTo, expiresOn and suspendedUntil may be (RMDX_VAL_FUTURE_DATE); end dates do not precede start dates (RMDX_VAL_DATE_ORDER); each record’s event date falls in period (warning RMDX_VAL_PERIOD_MISMATCH otherwise). A void record is only checked for its key (required, unique in the batch). — FR: Une soumission d'un État membre pour un mois de déclaration : une enveloppe et de 1 à 500000 enregistrements de tout type. Soumettez-la à POST /v1/batches, ou vérifiez-la d'abord avec POST /v1/validate ou hors ligne avec rmdx validate. Le hub valide chaque enregistrement selon record.schema.json, puis effectue les contrôles qui demandent l'enveloppe ou plusieurs enregistrements : le pays d'un site minier est égal à reportingCountry (RMDX_VAL_COUNTRY_MISMATCH) ; les exportations des États émetteurs portent un certificat (RMDX_VAL_CERTIFICATE_REQUIRED) dont le numéro, comme celui des enregistrements certificate, commence par reportingCountry et un trait d'union (RMDX_VAL_CERTIFICATE_PREFIX) ; les clés sont uniques par recordType dans l'envoi, les doublons suivants étant signalés (RMDX_VAL_DUPLICATE_KEY) ; les dates de faits (dates d'événement, statusSince, lastInspectionDate, auditStatus.date) ne sont pas dans le futur, alors que les bornes de validité validFrom, validTo, expiresOn et suspendedUntil peuvent l'être (RMDX_VAL_FUTURE_DATE) ; les dates de fin ne précèdent pas les dates de début (RMDX_VAL_DATE_ORDER) ; la date d'événement de chaque enregistrement tombe dans period (sinon avertissement RMDX_VAL_PERIOD_MISMATCH). Un enregistrement void n'est contrôlé que pour sa clé (obligatoire, unique dans l'envoi).
 */
export interface Batch {
  schemaVersion: SemVer;
  reportingCountry: MemberState;
  period: Period;
  submissionRef?: Identifier;
  /**
   * The national system (or connector) that produced the batch: system (required when source is given) and its version. — FR: Le système national (ou le connecteur) qui a produit l'envoi : system (obligatoire quand source est donné) et sa version.
   */
  source?: {
    system: ShortText;
    /**
     * Version of the producing system, free form, at most 50 characters. — FR: Version du système producteur, forme libre, au plus 50 caractères.
     */
    version?: string;
  };
  acceptance?: Acceptance;
  /**
   * The records of the batch, 1 to 500000, of any record types in any order (record.schema.json). Issues are reported with a JSON Pointer into this array, e.g. /records/3/mass. — FR: Les enregistrements de l'envoi, de 1 à 500000, de tous types et dans n'importe quel ordre (record.schema.json). Les anomalies sont signalées par un pointeur JSON dans ce tableau, p. ex. /records/3/mass.
   *
   * @minItems 1
   * @maxItems 500000
   */
  records: AnyRecord[];
}
/**
 * An ICGLR Regional Certificate issued by the reporting member state for one export shipment (ICGLR Data Standard MD.03). Key: certificateNumber, compared after upper-casing and removing spaces; identity: (reportingCountry, "certificate", certificateNumber). The issuing country is the reporting country. A void record needs only recordType, action and certificateNumber; to cancel a certificate that was used or printed, prefer an upsert with status cancelled. Rule in this schema: unit is required when mass is given. Checked by the hub, not by this schema: certificateNumber must begin with the reporting country’s code and a hyphen (RMDX_VAL_CERTIFICATE_PREFIX); expiresOn must not precede issuedOn (RMDX_VAL_DATE_ORDER, reported on expiresOn); issuedOn is the event date, so it must lie in the batch period (otherwise warning RMDX_VAL_PERIOD_MISMATCH) and not in the future (RMDX_VAL_FUTURE_DATE); certificateNumber unique within the batch (RMDX_VAL_DUPLICATE_KEY). — FR: Un Certificat régional de la CIRGL délivré par l'État membre déclarant pour une expédition à l'exportation (Norme de données de la CIRGL MD.03). Clé : certificateNumber, comparé après mise en majuscules et suppression des espaces ; identité : (reportingCountry, « certificate », certificateNumber). Le pays émetteur est le pays déclarant. Un enregistrement void n'a besoin que de recordType, action et certificateNumber ; pour annuler un certificat déjà utilisé ou imprimé, préférez un upsert avec status cancelled. Règle de ce schéma : unit est obligatoire quand mass est donné. Contrôlé par le hub et non par ce schéma : certificateNumber doit commencer par le code du pays déclarant et un trait d'union (RMDX_VAL_CERTIFICATE_PREFIX) ; expiresOn ne doit pas précéder issuedOn (RMDX_VAL_DATE_ORDER, signalé sur expiresOn) ; issuedOn est la date d'événement ; elle doit donc être dans la période de l'envoi (sinon avertissement RMDX_VAL_PERIOD_MISMATCH) et pas dans le futur (RMDX_VAL_FUTURE_DATE) ; certificateNumber unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY).
 */
export interface CertificateRecord {
  /**
   * Always "certificate" for this record type. — FR: Toujours « certificate » pour ce type d'enregistrement.
   */
  recordType?: 'certificate';
  action?: Action;
  certificateNumber?: CertificateNumber;
  issuedOn?: IsoDate;
  expiresOn?: IsoDate;
  issuingAuthority?: Name;
  exporterId?: Identifier;
  importerName?: Name;
  destinationCountry?: Country;
  mineral?: Mineral;
  hsCode?: HsCode;
  mass?: Mass;
  unit?: Unit;
  gradePct?: GradePct;
  valueUsd?: ValueUsd;
  lotNumbers?: LotNumberList;
  originSiteIds?: IdentifierList;
  status?: CertificateStatus;
}
/**
 * Every codelist of the RMDX regional data standard 1.0.0, one $defs entry each, referenced by the record schemas as codelists.schema.json#/$defs/<name>. Codes are case-sensitive and must be sent exactly as listed. A minor version (1.x) may only add codes to these lists; removing or renaming a code needs a major version. — FR: Toutes les listes de codes de la norme régionale RMDX 1.0.0, une entrée $defs chacune, référencées par les schémas d'enregistrement sous la forme codelists.schema.json#/$defs/<nom>. Les codes sont sensibles à la casse et doivent être envoyés exactement comme listés. Une version mineure (1.x) peut seulement ajouter des codes ; supprimer ou renommer un code exige une version majeure.
 */
export interface Codelists {
  [k: string]: unknown | undefined;
}
/**
 * Shared building blocks of the RMDX standard 1.0.0 (dates, quantities, identifiers, codes), referenced as common.schema.json#/$defs/<name>. Dates follow ISO 8601, timestamps RFC 3339, masses UN/ECE Rec. 20 units. — FR: Éléments communs de la norme RMDX 1.0.0 (dates, quantités, identifiants, codes), référencés sous la forme common.schema.json#/$defs/<nom>. Les dates suivent l'ISO 8601, les horodatages la RFC 3339, les masses les unités de la Rec. 20 de la CEE-ONU.
 */
export interface Common {
  [k: string]: unknown | undefined;
}
/**
 * The handing over of a lot from one actor to another (sale, delivery to a processor or exporter, transport): one link of the chain of custody. Key: transferId; identity: (reportingCountry, "custodyTransfer", transferId). A void record needs only recordType, action and transferId. Rule in this schema: unit is required when mass is given. Checked by the hub, not by this schema: occurredAt is the event date, so it must lie in the batch period (otherwise warning RMDX_VAL_PERIOD_MISMATCH) and not in the future (RMDX_VAL_FUTURE_DATE); transferId unique within the batch (RMDX_VAL_DUPLICATE_KEY). — FR: La remise d'un lot d'un acteur à un autre (vente, livraison à un transformateur ou à un exportateur, transport) : un maillon de la chaîne de possession. Clé : transferId ; identité : (reportingCountry, « custodyTransfer », transferId). Un enregistrement void n'a besoin que de recordType, action et transferId. Règle de ce schéma : unit est obligatoire quand mass est donné. Contrôlé par le hub et non par ce schéma : occurredAt est la date d'événement ; il doit donc être dans la période de l'envoi (sinon avertissement RMDX_VAL_PERIOD_MISMATCH) et pas dans le futur (RMDX_VAL_FUTURE_DATE) ; transferId unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY).
 */
export interface CustodyTransferRecord {
  /**
   * Always "custodyTransfer" for this record type. — FR: Toujours « custodyTransfer » pour ce type d'enregistrement.
   */
  recordType?: 'custodyTransfer';
  action?: Action;
  transferId?: Identifier;
  lotNumber?: Identifier;
  fromActorId?: Identifier;
  toActorId?: Identifier;
  occurredAt?: Timestamp;
  mass?: Mass;
  unit?: Unit;
  priceUsd?: ValueUsd;
  place?: ShortText;
}
/**
 * One export shipment of a designated mineral leaving the reporting member state, as recorded at export (customs and mining authority). The hub reconciles it with the import reported by the destination state. Key: exportId; identity: (reportingCountry, "export", exportId). A void record needs only recordType, action and exportId. Checked by the hub, not by this schema: when the reporting country issues ICGLR certificates (codelist certifyingState: BI, CD, RW, TZ, UG), certificateNumber is required (RMDX_VAL_CERTIFICATE_REQUIRED) and must begin with the reporting country’s code and a hyphen (RMDX_VAL_CERTIFICATE_PREFIX); shippedOn is the event date, so it must lie in the batch period (otherwise warning RMDX_VAL_PERIOD_MISMATCH) and not in the future (RMDX_VAL_FUTURE_DATE); exportId unique within the batch (RMDX_VAL_DUPLICATE_KEY). mass is optional in 1.0.0 but the matcher needs it: send it whenever known. — FR: Une expédition à l'exportation d'un minerai désigné quittant l'État membre déclarant, telle qu'enregistrée à l'exportation (douane et administration minière). Le hub la rapproche de l'importation déclarée par l'État de destination. Clé : exportId ; identité : (reportingCountry, « export », exportId). Un enregistrement void n'a besoin que de recordType, action et exportId. Contrôlé par le hub et non par ce schéma : quand le pays déclarant délivre des certificats CIRGL (liste de codes certifyingState : BI, CD, RW, TZ, UG), certificateNumber est obligatoire (RMDX_VAL_CERTIFICATE_REQUIRED) et doit commencer par le code du pays déclarant et un trait d'union (RMDX_VAL_CERTIFICATE_PREFIX) ; shippedOn est la date d'événement ; elle doit donc être dans la période de l'envoi (sinon avertissement RMDX_VAL_PERIOD_MISMATCH) et pas dans le futur (RMDX_VAL_FUTURE_DATE) ; exportId unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY). mass est facultatif en 1.0.0 mais le rapprochement en a besoin : envoyez-le dès qu'il est connu.
 */
export interface ExportRecord {
  /**
   * Always "export" for this record type. — FR: Toujours « export » pour ce type d'enregistrement.
   */
  recordType?: 'export';
  action?: Action;
  exportId?: Identifier;
  certificateNumber?: CertificateNumber;
  exporterId?: Identifier;
  exporterName?: Name;
  importerName?: Name;
  destinationCountry?: Country;
  mineral?: Mineral;
  hsCode?: HsCode;
  mass?: Mass;
  unit?: Unit;
  gradePct?: GradePct;
  valueUsd?: ValueUsd;
  shippedOn?: IsoDate;
  exitPoint?: ShortText;
  lotNumbers?: LotNumberList;
  transportRef?: Identifier;
}
/**
 * One import consignment of a designated mineral entering the reporting member state, as recorded at import (customs and mining authority). The hub reconciles it with the export reported by the origin or consignment state. Key: importId; identity: (reportingCountry, "import", importId). certificateNumber is the ICGLR certificate presented at import, issued by another state, so its prefix is not compared with the reporting country. A void record needs only recordType, action and importId. Checked by the hub, not by this schema: arrivedOn is the event date, so it must lie in the batch period (otherwise warning RMDX_VAL_PERIOD_MISMATCH) and not in the future (RMDX_VAL_FUTURE_DATE); importId unique within the batch (RMDX_VAL_DUPLICATE_KEY). — FR: Un arrivage à l'importation d'un minerai désigné entrant dans l'État membre déclarant, tel qu'enregistré à l'importation (douane et administration minière). Le hub le rapproche de l'exportation déclarée par l'État d'origine ou de provenance. Clé : importId ; identité : (reportingCountry, « import », importId). certificateNumber est le certificat CIRGL présenté à l'importation, délivré par un autre État : son préfixe n'est donc pas comparé au pays déclarant. Un enregistrement void n'a besoin que de recordType, action et importId. Contrôlé par le hub et non par ce schéma : arrivedOn est la date d'événement ; elle doit donc être dans la période de l'envoi (sinon avertissement RMDX_VAL_PERIOD_MISMATCH) et pas dans le futur (RMDX_VAL_FUTURE_DATE) ; importId unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY).
 */
export interface ImportRecord {
  /**
   * Always "import" for this record type. — FR: Toujours « import » pour ce type d'enregistrement.
   */
  recordType?: 'import';
  action?: Action;
  importId?: Identifier;
  originCountry?: Country;
  consignmentCountry?: Country;
  importerId?: Identifier;
  importerName?: Name;
  exporterName?: Name;
  certificateNumber?: CertificateNumber;
  mineral?: Mineral;
  hsCode?: HsCode;
  mass?: Mass;
  unit?: Unit;
  gradePct?: GradePct;
  valueUsd?: ValueUsd;
  arrivedOn?: IsoDate;
  entryPoint?: ShortText;
  customsRef?: Identifier;
  transportRef?: Identifier;
}
/**
 * An inspection of a mine site by the government, a third-party auditor or the ICGLR Independent Mineral Chain Auditor (ICGLR Data Standard MD.07), with the status it found. Key: inspectionId; identity: (reportingCountry, "inspection", inspectionId). A void record needs only recordType, action and inspectionId. Checked by the hub, not by this schema: inspectionDate is the event date, so it must lie in the batch period (otherwise warning RMDX_VAL_PERIOD_MISMATCH) and not in the future (RMDX_VAL_FUTURE_DATE); inspectionId unique within the batch (RMDX_VAL_DUPLICATE_KEY). — FR: Une inspection d'un site minier par l'administration, un auditeur tiers ou l'Auditeur indépendant de la chaîne minérale de la CIRGL (Norme de données de la CIRGL MD.07), avec le statut constaté. Clé : inspectionId ; identité : (reportingCountry, « inspection », inspectionId). Un enregistrement void n'a besoin que de recordType, action et inspectionId. Contrôlé par le hub et non par ce schéma : inspectionDate est la date d'événement ; elle doit donc être dans la période de l'envoi (sinon avertissement RMDX_VAL_PERIOD_MISMATCH) et pas dans le futur (RMDX_VAL_FUTURE_DATE) ; inspectionId unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY).
 */
export interface InspectionRecord {
  /**
   * Always "inspection" for this record type. — FR: Toujours « inspection » pour ce type d'enregistrement.
   */
  recordType?: 'inspection';
  action?: Action;
  inspectionId?: Identifier;
  siteId?: Identifier;
  inspectionDate?: IsoDate;
  result?: InspectionResult;
  inspectorType?: InspectorType;
  inspectorName?: Name;
  agency?: Name;
  purpose?: ShortText;
  notes?: Note;
}
/**
 * A mining, trading, export or exploration title granted by the reporting member state (ICGLR Data Standard MD.02). Key: licenceId; identity: (reportingCountry, "licence", licenceId). In 1.0.0 only licenceId is required; send every other field you hold. A void record needs only recordType, action and licenceId. Checked by the hub, not by this schema: validTo must not precede validFrom (RMDX_VAL_DATE_ORDER, reported on validTo); licenceId unique within the batch (RMDX_VAL_DUPLICATE_KEY). validFrom and validTo are validity bounds: they may lie in the future and are not event dates (no RMDX_VAL_PERIOD_MISMATCH, no RMDX_VAL_FUTURE_DATE). — FR: Un titre minier, commercial, d'exportation ou de recherche accordé par l'État membre déclarant (Norme de données de la CIRGL MD.02). Clé : licenceId ; identité : (reportingCountry, « licence », licenceId). En 1.0.0, seul licenceId est obligatoire ; envoyez tous les autres champs dont vous disposez. Un enregistrement void n'a besoin que de recordType, action et licenceId. Contrôlé par le hub et non par ce schéma : validTo ne doit pas précéder validFrom (RMDX_VAL_DATE_ORDER, signalé sur validTo) ; licenceId unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY). validFrom et validTo sont des bornes de validité : elles peuvent être dans le futur et ne sont pas des dates d'événement (ni RMDX_VAL_PERIOD_MISMATCH, ni RMDX_VAL_FUTURE_DATE).
 */
export interface LicenceRecord {
  /**
   * Always "licence" for this record type. — FR: Toujours « licence » pour ce type d'enregistrement.
   */
  recordType?: 'licence';
  action?: Action;
  licenceId?: Identifier;
  type?: LicenceType;
  holderId?: Identifier;
  siteIds?: IdentifierList;
  minerals?: MineralList;
  validFrom?: IsoDate;
  validTo?: IsoDate;
}
/**
 * A bagged, tagged and sealed quantity of one mineral at one step of the chain of custody (ICGLR Data Standard MD.12). A new lot is created at the mine (operation extraction, with siteId), at each purchase, processing, blending or split, and for export; inputLots links a lot back to the lots it was made from, so history can be traced to the mine sites. Key: lotNumber; identity: (reportingCountry, "lot", lotNumber). A void record needs only recordType, action and lotNumber. Rule in this schema: siteId is required when operation is extraction. Checked by the hub, not by this schema: registeredAt is the event date, so it must lie in the batch period (otherwise warning RMDX_VAL_PERIOD_MISMATCH) and not in the future (RMDX_VAL_FUTURE_DATE); lotNumber unique within the batch (RMDX_VAL_DUPLICATE_KEY). — FR: Une quantité d'un seul minerai, ensachée, étiquetée et scellée, à une étape de la chaîne de possession (Norme de données de la CIRGL MD.12). Un nouveau lot est créé à la mine (opération extraction, avec siteId), à chaque achat, traitement, mélange ou division, et pour l'exportation ; inputLots relie un lot aux lots dont il est issu, pour remonter l'historique jusqu'aux sites miniers. Clé : lotNumber ; identité : (reportingCountry, « lot », lotNumber). Un enregistrement void n'a besoin que de recordType, action et lotNumber. Règle de ce schéma : siteId est obligatoire quand operation vaut extraction. Contrôlé par le hub et non par ce schéma : registeredAt est la date d'événement ; il doit donc être dans la période de l'envoi (sinon avertissement RMDX_VAL_PERIOD_MISMATCH) et pas dans le futur (RMDX_VAL_FUTURE_DATE) ; lotNumber unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY).
 */
export interface LotRecord {
  /**
   * Always "lot" for this record type. — FR: Toujours « lot » pour ce type d'enregistrement.
   */
  recordType?: 'lot';
  action?: Action;
  lotNumber?: Identifier;
  registeredAt?: Timestamp;
  custodianId?: Identifier;
  mineral?: Mineral;
  mass?: Mass;
  unit?: Unit;
  gradePct?: GradePct;
  packageType?: ShortText;
  packages?: PackageCount;
  operation?: LotOperation;
  siteId?: Identifier;
  inputLots?: LotNumberList;
  /**
   * Numbers of the tags or seals on the packages of the lot (MD.11), each once, at most 10000. — FR: Numéros des étiquettes ou scellés posés sur les colis du lot (MD.11), chacun une seule fois, au plus 10000.
   *
   * @maxItems 10000
   */
  tags?: Tag[];
}
/**
 * A mine site reported by the member state in which it lies (ICGLR Data Standard MD.01): identity, location, minerals and certification status. Key: siteId; identity: (reportingCountry, "mineSite", siteId). A void record needs only recordType, action and siteId. Checked by the hub, not by this schema: country must equal the batch reportingCountry (RMDX_VAL_COUNTRY_MISMATCH); statusSince and lastInspectionDate must not lie in the future (RMDX_VAL_FUTURE_DATE); siteId must be unique within the batch (RMDX_VAL_DUPLICATE_KEY). A mine site is reference data: it has no event date, so it never raises RMDX_VAL_PERIOD_MISMATCH; send it when it is created or when anything about it changes. — FR: Un site minier déclaré par l'État membre où il se trouve (Norme de données de la CIRGL MD.01) : identité, position, minerais et statut de certification. Clé : siteId ; identité : (reportingCountry, « mineSite », siteId). Un enregistrement void n'a besoin que de recordType, action et siteId. Contrôlé par le hub et non par ce schéma : country doit être égal au reportingCountry de l'envoi (RMDX_VAL_COUNTRY_MISMATCH) ; statusSince et lastInspectionDate ne doivent pas être dans le futur (RMDX_VAL_FUTURE_DATE) ; siteId doit être unique dans l'envoi (RMDX_VAL_DUPLICATE_KEY). Un site minier est une donnée de référence : il n'a pas de date d'événement et ne déclenche donc jamais RMDX_VAL_PERIOD_MISMATCH ; envoyez-le à sa création et à chaque changement.
 */
export interface MineSiteRecord {
  /**
   * Always "mineSite" for this record type. — FR: Toujours « mineSite » pour ce type d'enregistrement.
   */
  recordType?: 'mineSite';
  action?: Action;
  siteId?: Identifier;
  icglrId?: Identifier;
  name?: Name;
  country?: Country;
  location?: Location;
  subdivision1?: Name;
  subdivision2?: Name;
  locality?: Name;
  minerals?: MineralList;
  certificationStatus?: MineStatus;
  statusSince?: IsoDate;
  activityStatus?: ActivityStatus;
  lastInspectionDate?: IsoDate;
  operatorId?: Identifier;
  licenceIds?: IdentifierList;
  /**
   * Identifiers of the same site in other systems, to link data sets; when given, at least one of ipisPcode and itsciSiteId. — FR: Identifiants du même site dans d'autres systèmes, pour relier les jeux de données ; quand l'objet est donné, au moins l'un de ipisPcode et itsciSiteId.
   */
  externalRefs?:
    | {
        ipisPcode: unknown;
      }
    | {
        itsciSiteId: unknown;
      };
}
/**
 * A point in WGS 84 decimal degrees: lat (latitude, -90 to 90, negative south of the equator) and lon (longitude, -180 to 180, negative west of Greenwich). Both are required when location is given. — FR: Un point en degrés décimaux WGS 84 : lat (latitude, de -90 à 90, négative au sud de l'équateur) et lon (longitude, de -180 à 180, négative à l'ouest de Greenwich). Les deux sont obligatoires quand location est fourni.
 */
export interface Location {
  /**
   * Latitude in decimal degrees, -90 to 90. — FR: Latitude en degrés décimaux, de -90 à 90.
   */
  lat: number;
  /**
   * Longitude in decimal degrees, -180 to 180. — FR: Longitude en degrés décimaux, de -180 à 180.
   */
  lon: number;
}
