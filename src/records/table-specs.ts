import type { RecordType } from '../standard/record-types.js';

/**
 * The tables that hold the current version of each record type (migrations/0002_records.sql),
 * declared once: persistence builds its SQL from these specs, reads use them to split a row into
 * its canonical columns, and a test checks them against the live schema.
 *
 * Every table also has the bookkeeping columns in `metaColumns`.
 */
export type ColumnType =
  'text' | 'char2' | 'date' | 'timestamptz' | 'numeric' | 'integer' | 'float8' | 'text[]';

/** The SQL spelling of each column type (for casts and `json_to_recordset` column lists). */
export const sqlTypes: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  char2: 'char(2)',
  date: 'date',
  timestamptz: 'timestamptz',
  numeric: 'numeric',
  integer: 'integer',
  float8: 'double precision',
  'text[]': 'text[]',
};

/** The JS value of each column type once normalised (numeric: exact decimal text or a number). */
export interface ColumnValue {
  text: string;
  char2: string;
  date: string;
  timestamptz: string;
  numeric: string | number;
  integer: number;
  float8: number;
  'text[]': string[];
}

export interface TableSpec {
  recordType: RecordType;
  table: string;
  /** The column holding the record's key (with `country`, unique). */
  keyColumn: string;
  /** Canonical columns, the key column included, in table order. */
  columns: Readonly<Record<string, ColumnType>>;
}

const mass = { mass: 'numeric', unit: 'text', mass_kg: 'numeric' } as const;
const graded = { grade_pct: 'numeric', metal_kg: 'numeric' } as const;

export const tableSpecs = {
  mineSite: {
    recordType: 'mineSite',
    table: 'mine_sites',
    keyColumn: 'site_id',
    columns: {
      site_id: 'text',
      icglr_id: 'text',
      name: 'text',
      site_country: 'char2',
      lat: 'float8',
      lon: 'float8',
      subdivision1: 'text',
      subdivision2: 'text',
      locality: 'text',
      minerals: 'text[]',
      certification_status: 'text',
      status_since: 'date',
      activity_status: 'text',
      last_inspection_date: 'date',
      operator_id: 'text',
      licence_ids: 'text[]',
      ipis_pcode: 'text',
      itsci_site_id: 'text',
    },
  },
  actor: {
    recordType: 'actor',
    table: 'actors',
    keyColumn: 'actor_id',
    columns: {
      actor_id: 'text',
      name: 'text',
      name_key: 'text',
      actor_country: 'char2',
      roles: 'text[]',
      registration_number: 'text',
      audit_flag: 'text',
      audit_date: 'date',
      audit_suspended_until: 'date',
    },
  },
  licence: {
    recordType: 'licence',
    table: 'licences',
    keyColumn: 'licence_id',
    columns: {
      licence_id: 'text',
      licence_type: 'text',
      holder_id: 'text',
      site_ids: 'text[]',
      minerals: 'text[]',
      valid_from: 'date',
      valid_to: 'date',
    },
  },
  inspection: {
    recordType: 'inspection',
    table: 'inspections',
    keyColumn: 'inspection_id',
    columns: {
      inspection_id: 'text',
      site_id: 'text',
      inspection_date: 'date',
      result: 'text',
      inspector_type: 'text',
      inspector_name: 'text',
      agency: 'text',
      purpose: 'text',
      notes: 'text',
    },
  },
  lot: {
    recordType: 'lot',
    table: 'lots',
    keyColumn: 'lot_number',
    columns: {
      lot_number: 'text',
      registered_at: 'timestamptz',
      custodian_id: 'text',
      mineral: 'text',
      ...mass,
      ...graded,
      package_type: 'text',
      packages: 'integer',
      operation: 'text',
      site_id: 'text',
      input_lots: 'text[]',
      tags: 'text[]',
    },
  },
  custodyTransfer: {
    recordType: 'custodyTransfer',
    table: 'custody_transfers',
    keyColumn: 'transfer_id',
    columns: {
      transfer_id: 'text',
      lot_number: 'text',
      from_actor_id: 'text',
      to_actor_id: 'text',
      occurred_at: 'timestamptz',
      ...mass,
      price_usd: 'numeric',
      place: 'text',
    },
  },
  export: {
    recordType: 'export',
    table: 'exports',
    keyColumn: 'export_id',
    columns: {
      export_id: 'text',
      certificate_number: 'text',
      certificate_key: 'text',
      exporter_id: 'text',
      exporter_name: 'text',
      exporter_name_key: 'text',
      importer_name: 'text',
      importer_name_key: 'text',
      destination_country: 'char2',
      mineral: 'text',
      hs_code: 'text',
      ...mass,
      ...graded,
      value_usd: 'numeric',
      shipped_on: 'date',
      exit_point: 'text',
      lot_numbers: 'text[]',
      transport_ref: 'text',
      transport_ref_key: 'text',
    },
  },
  import: {
    recordType: 'import',
    table: 'imports',
    keyColumn: 'import_id',
    columns: {
      import_id: 'text',
      origin_country: 'char2',
      consignment_country: 'char2',
      importer_id: 'text',
      importer_name: 'text',
      importer_name_key: 'text',
      exporter_name: 'text',
      exporter_name_key: 'text',
      certificate_number: 'text',
      certificate_key: 'text',
      mineral: 'text',
      hs_code: 'text',
      ...mass,
      ...graded,
      value_usd: 'numeric',
      arrived_on: 'date',
      entry_point: 'text',
      customs_ref: 'text',
      transport_ref: 'text',
      transport_ref_key: 'text',
    },
  },
  certificate: {
    recordType: 'certificate',
    table: 'certificates',
    keyColumn: 'certificate_key',
    columns: {
      certificate_key: 'text',
      certificate_number: 'text',
      issued_on: 'date',
      expires_on: 'date',
      issuing_authority: 'text',
      exporter_id: 'text',
      importer_name: 'text',
      importer_name_key: 'text',
      destination_country: 'char2',
      mineral: 'text',
      hs_code: 'text',
      ...mass,
      ...graded,
      value_usd: 'numeric',
      lot_numbers: 'text[]',
      origin_site_ids: 'text[]',
      status: 'text',
    },
  },
} as const satisfies { [T in RecordType]: TableSpec & { recordType: T } };

export type TableSpecs = typeof tableSpecs;

/** The canonical columns of a record type, each nullable (a void record has only its key). */
export type CanonicalRow<T extends RecordType> = {
  -readonly [C in keyof TableSpecs[T]['columns']]: TableSpecs[T]['columns'][C] extends infer K extends
    ColumnType
    ? ColumnValue[K] | null
    : never;
};

/** Bookkeeping columns every record table has besides its canonical ones. */
export const metaColumns = {
  country: 'char2',
  batch_id: 'uuid',
  batch_seq: 'bigint',
  record_index: 'integer',
  period: 'char(7)',
  schema_version: 'text',
  version: 'integer',
  is_void: 'boolean',
  received: 'jsonb',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
} as const;

export function tableSpec(recordType: RecordType): TableSpec {
  return tableSpecs[recordType];
}
