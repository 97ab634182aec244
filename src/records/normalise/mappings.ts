import { certificateKey, type RecordType } from '../../standard/record-types.js';
import type { CanonicalRow } from '../table-specs.js';
import { lowerCode, lowerCodeList, transportRefKey, upperCode } from './codes.js';
import { hsCodeDigits } from './hs-code.js';
import { partyNameKey } from './party-name.js';
import { cleanDate, cleanInteger, cleanNumber, cleanText, cleanTextList, cleanTimestamp } from './text.js';
import { massToKg, metalKg } from './units.js';

/**
 * One mapping per record type: a schema-valid record of the standard → the canonical columns of its
 * table (migrations/0002_records.sql). Field names become snake_case; nested objects are flattened
 * (`location.lat` → `lat`, `auditStatus.flag` → `audit_flag`); derived columns sit next to the
 * field they come from (`mass_kg`, `metal_kg`, `*_name_key`, `certificate_key`, `transport_ref_key`).
 * The `country` field of a mine site or actor is `site_country` / `actor_country`: `country` is the
 * reporting country on every table.
 */
type Rec = Record<string, unknown>;

function obj(value: unknown): Rec {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Rec) : {};
}

function certKey(value: unknown): string | null {
  const text = cleanText(value);
  if (text === null) return null;
  const key = certificateKey(text);
  return key === '' ? null : key;
}

interface Mass {
  mass: number | null;
  unit: string | null;
  mass_kg: string | null;
  grade_pct: number | null;
  metal_kg: string | null;
}

function massOf(r: Rec): Mass {
  const mass = cleanNumber(r.mass);
  const unit = upperCode(r.unit);
  const massKg = massToKg(mass, unit);
  const grade = cleanNumber(r.gradePct);
  return { mass, unit, mass_kg: massKg, grade_pct: grade, metal_kg: metalKg(massKg, grade) };
}

export const mappings: { [T in RecordType]: (r: Rec) => CanonicalRow<T> } = {
  mineSite: (r) => {
    const location = obj(r.location);
    const refs = obj(r.externalRefs);
    return {
      site_id: cleanText(r.siteId),
      icglr_id: cleanText(r.icglrId),
      name: cleanText(r.name),
      site_country: upperCode(r.country),
      lat: cleanNumber(location.lat),
      lon: cleanNumber(location.lon),
      subdivision1: cleanText(r.subdivision1),
      subdivision2: cleanText(r.subdivision2),
      locality: cleanText(r.locality),
      minerals: lowerCodeList(r.minerals),
      certification_status: lowerCode(r.certificationStatus),
      status_since: cleanDate(r.statusSince),
      activity_status: lowerCode(r.activityStatus),
      last_inspection_date: cleanDate(r.lastInspectionDate),
      operator_id: cleanText(r.operatorId),
      licence_ids: cleanTextList(r.licenceIds),
      ipis_pcode: cleanText(refs.ipisPcode),
      itsci_site_id: cleanText(refs.itsciSiteId),
    };
  },
  actor: (r) => {
    const audit = obj(r.auditStatus);
    return {
      actor_id: cleanText(r.actorId),
      name: cleanText(r.name),
      name_key: partyNameKey(r.name),
      actor_country: upperCode(r.country),
      roles: lowerCodeList(r.roles),
      registration_number: cleanText(r.registrationNumber),
      audit_flag: lowerCode(audit.flag),
      audit_date: cleanDate(audit.date),
      audit_suspended_until: cleanDate(audit.suspendedUntil),
    };
  },
  licence: (r) => ({
    licence_id: cleanText(r.licenceId),
    licence_type: lowerCode(r.type),
    holder_id: cleanText(r.holderId),
    site_ids: cleanTextList(r.siteIds),
    minerals: lowerCodeList(r.minerals),
    valid_from: cleanDate(r.validFrom),
    valid_to: cleanDate(r.validTo),
  }),
  inspection: (r) => ({
    inspection_id: cleanText(r.inspectionId),
    site_id: cleanText(r.siteId),
    inspection_date: cleanDate(r.inspectionDate),
    result: lowerCode(r.result),
    inspector_type: lowerCode(r.inspectorType),
    inspector_name: cleanText(r.inspectorName),
    agency: cleanText(r.agency),
    purpose: cleanText(r.purpose),
    notes: cleanText(r.notes),
  }),
  lot: (r) => {
    const m = massOf(r);
    return {
      lot_number: cleanText(r.lotNumber),
      registered_at: cleanTimestamp(r.registeredAt),
      custodian_id: cleanText(r.custodianId),
      mineral: lowerCode(r.mineral),
      mass: m.mass,
      unit: m.unit,
      mass_kg: m.mass_kg,
      grade_pct: m.grade_pct,
      metal_kg: m.metal_kg,
      package_type: cleanText(r.packageType),
      packages: cleanInteger(r.packages),
      operation: lowerCode(r.operation),
      site_id: cleanText(r.siteId),
      input_lots: cleanTextList(r.inputLots),
      tags: cleanTextList(r.tags),
    };
  },
  custodyTransfer: (r) => {
    const m = massOf(r);
    return {
      transfer_id: cleanText(r.transferId),
      lot_number: cleanText(r.lotNumber),
      from_actor_id: cleanText(r.fromActorId),
      to_actor_id: cleanText(r.toActorId),
      occurred_at: cleanTimestamp(r.occurredAt),
      mass: m.mass,
      unit: m.unit,
      mass_kg: m.mass_kg,
      price_usd: cleanNumber(r.priceUsd),
      place: cleanText(r.place),
    };
  },
  export: (r) => {
    const m = massOf(r);
    return {
      export_id: cleanText(r.exportId),
      certificate_number: cleanText(r.certificateNumber),
      certificate_key: certKey(r.certificateNumber),
      exporter_id: cleanText(r.exporterId),
      exporter_name: cleanText(r.exporterName),
      exporter_name_key: partyNameKey(r.exporterName),
      importer_name: cleanText(r.importerName),
      importer_name_key: partyNameKey(r.importerName),
      destination_country: upperCode(r.destinationCountry),
      mineral: lowerCode(r.mineral),
      hs_code: hsCodeDigits(r.hsCode),
      mass: m.mass,
      unit: m.unit,
      mass_kg: m.mass_kg,
      grade_pct: m.grade_pct,
      metal_kg: m.metal_kg,
      value_usd: cleanNumber(r.valueUsd),
      shipped_on: cleanDate(r.shippedOn),
      exit_point: cleanText(r.exitPoint),
      lot_numbers: cleanTextList(r.lotNumbers),
      transport_ref: cleanText(r.transportRef),
      transport_ref_key: transportRefKey(r.transportRef),
    };
  },
  import: (r) => {
    const m = massOf(r);
    return {
      import_id: cleanText(r.importId),
      origin_country: upperCode(r.originCountry),
      consignment_country: upperCode(r.consignmentCountry),
      importer_id: cleanText(r.importerId),
      importer_name: cleanText(r.importerName),
      importer_name_key: partyNameKey(r.importerName),
      exporter_name: cleanText(r.exporterName),
      exporter_name_key: partyNameKey(r.exporterName),
      certificate_number: cleanText(r.certificateNumber),
      certificate_key: certKey(r.certificateNumber),
      mineral: lowerCode(r.mineral),
      hs_code: hsCodeDigits(r.hsCode),
      mass: m.mass,
      unit: m.unit,
      mass_kg: m.mass_kg,
      grade_pct: m.grade_pct,
      metal_kg: m.metal_kg,
      value_usd: cleanNumber(r.valueUsd),
      arrived_on: cleanDate(r.arrivedOn),
      entry_point: cleanText(r.entryPoint),
      customs_ref: cleanText(r.customsRef),
      transport_ref: cleanText(r.transportRef),
      transport_ref_key: transportRefKey(r.transportRef),
    };
  },
  certificate: (r) => {
    const m = massOf(r);
    return {
      certificate_key: certKey(r.certificateNumber),
      certificate_number: cleanText(r.certificateNumber),
      issued_on: cleanDate(r.issuedOn),
      expires_on: cleanDate(r.expiresOn),
      issuing_authority: cleanText(r.issuingAuthority),
      exporter_id: cleanText(r.exporterId),
      importer_name: cleanText(r.importerName),
      importer_name_key: partyNameKey(r.importerName),
      destination_country: upperCode(r.destinationCountry),
      mineral: lowerCode(r.mineral),
      hs_code: hsCodeDigits(r.hsCode),
      mass: m.mass,
      unit: m.unit,
      mass_kg: m.mass_kg,
      grade_pct: m.grade_pct,
      metal_kg: m.metal_kg,
      value_usd: cleanNumber(r.valueUsd),
      lot_numbers: cleanTextList(r.lotNumbers),
      origin_site_ids: cleanTextList(r.originSiteIds),
      status: lowerCode(r.status),
    };
  },
};
