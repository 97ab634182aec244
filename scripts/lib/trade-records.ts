/**
 * Records of the regional standard for the matcher's scenarios, tests and evaluation: export, import,
 * certificate and the registries the certificate checks read. Every builder returns a record that is
 * valid against standard 1.0.0 (given a batch of the right country and month).
 */
export type Mineral = 'gold' | 'cassiterite' | 'coltan' | 'wolframite';

export const hsOf: Record<Mineral, string> = {
  gold: '7108.12',
  cassiterite: '2609.00',
  coltan: '2615.90',
  wolframite: '2611.00',
};

export type Unit = 'KGM' | 'GRM' | 'TNE' | 'LBR' | 'APZ';

type Rec = Record<string, unknown>;

function clean(r: Rec): Rec {
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  return r;
}

export interface ExportSpec {
  country: string;
  exportId: string;
  certificateNumber?: string;
  exporterId?: string;
  exporterName?: string;
  importerName?: string;
  destinationCountry: string;
  mineral: Mineral;
  hsCode?: string;
  mass: number;
  unit?: Unit;
  gradePct?: number;
  valueUsd?: number;
  shippedOn: string;
  transportRef?: string;
  lotNumbers?: string[];
}

export function exportRecord(s: ExportSpec): Rec {
  return clean({
    recordType: 'export',
    exportId: s.exportId,
    certificateNumber: s.certificateNumber,
    exporterId: s.exporterId,
    exporterName: s.exporterName,
    importerName: s.importerName,
    destinationCountry: s.destinationCountry,
    mineral: s.mineral,
    hsCode: s.hsCode ?? hsOf[s.mineral],
    mass: s.mass,
    unit: s.unit ?? 'KGM',
    gradePct: s.gradePct,
    valueUsd: s.valueUsd,
    shippedOn: s.shippedOn,
    transportRef: s.transportRef,
    lotNumbers: s.lotNumbers,
  });
}

export interface ImportSpec {
  country: string;
  importId: string;
  originCountry: string;
  consignmentCountry?: string;
  importerName?: string;
  exporterName?: string;
  certificateNumber?: string;
  mineral: Mineral;
  hsCode?: string;
  mass: number;
  unit?: Unit;
  gradePct?: number;
  /** CIF. */
  valueUsd?: number;
  arrivedOn: string;
  transportRef?: string;
  customsRef?: string;
}

export function importRecord(s: ImportSpec): Rec {
  return clean({
    recordType: 'import',
    importId: s.importId,
    originCountry: s.originCountry,
    consignmentCountry: s.consignmentCountry,
    importerName: s.importerName,
    exporterName: s.exporterName,
    certificateNumber: s.certificateNumber,
    mineral: s.mineral,
    hsCode: s.hsCode ?? hsOf[s.mineral],
    mass: s.mass,
    unit: s.unit ?? 'KGM',
    gradePct: s.gradePct,
    valueUsd: s.valueUsd,
    arrivedOn: s.arrivedOn,
    transportRef: s.transportRef,
    customsRef: s.customsRef,
  });
}

export interface CertificateSpec {
  certificateNumber: string;
  issuedOn: string;
  expiresOn?: string;
  exporterId?: string;
  importerName?: string;
  destinationCountry: string;
  mineral: Mineral;
  mass?: number;
  unit?: Unit;
  gradePct?: number;
  valueUsd?: number;
  lotNumbers?: string[];
  originSiteIds?: string[];
  status?: 'issued' | 'used' | 'cancelled' | 'expired';
}

export function certificateRecord(s: CertificateSpec): Rec {
  return clean({
    recordType: 'certificate',
    certificateNumber: s.certificateNumber,
    issuedOn: s.issuedOn,
    expiresOn: s.expiresOn,
    exporterId: s.exporterId,
    importerName: s.importerName,
    destinationCountry: s.destinationCountry,
    mineral: s.mineral,
    hsCode: hsOf[s.mineral],
    mass: s.mass,
    unit: s.mass === undefined ? undefined : (s.unit ?? 'KGM'),
    gradePct: s.gradePct,
    valueUsd: s.valueUsd,
    lotNumbers: s.lotNumbers,
    originSiteIds: s.originSiteIds,
    status: s.status ?? 'issued',
  });
}

export function actorRecord(s: {
  actorId: string;
  name: string;
  country: string;
  roles?: string[];
  auditFlag?: 'green' | 'yellow' | 'red';
  auditDate?: string;
  suspendedUntil?: string;
}): Rec {
  return clean({
    recordType: 'actor',
    actorId: s.actorId,
    name: s.name,
    country: s.country,
    roles: s.roles ?? ['exporter'],
    auditStatus: s.auditFlag
      ? clean({ flag: s.auditFlag, date: s.auditDate, suspendedUntil: s.suspendedUntil })
      : undefined,
  });
}

export function mineSiteRecord(s: {
  siteId: string;
  country: string;
  minerals: Mineral[];
  certificationStatus: 'blue' | 'green' | 'yellow' | 'red';
  statusSince?: string;
}): Rec {
  return clean({
    recordType: 'mineSite',
    siteId: s.siteId,
    name: `Site ${s.siteId}`,
    country: s.country,
    minerals: s.minerals,
    certificationStatus: s.certificationStatus,
    statusSince: s.statusSince,
    activityStatus: 'active',
  });
}

export function inspectionRecord(s: {
  inspectionId: string;
  siteId: string;
  inspectionDate: string;
  result: 'green' | 'yellow' | 'red';
}): Rec {
  return {
    recordType: 'inspection',
    inspectionId: s.inspectionId,
    siteId: s.siteId,
    inspectionDate: s.inspectionDate,
    result: s.result,
    inspectorType: 'government',
  };
}

export function lotRecord(s: {
  lotNumber: string;
  registeredAt: string;
  custodianId: string;
  mineral: Mineral;
  mass: number;
  operation: 'extraction' | 'purchase' | 'processing' | 'blending' | 'splitting' | 'export';
  siteId?: string;
  inputLots?: string[];
}): Rec {
  return clean({
    recordType: 'lot',
    lotNumber: s.lotNumber,
    registeredAt: s.registeredAt,
    custodianId: s.custodianId,
    mineral: s.mineral,
    mass: s.mass,
    unit: 'KGM',
    operation: s.operation,
    siteId: s.siteId,
    inputLots: s.inputLots,
  });
}
