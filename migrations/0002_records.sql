-- Records: one table per record type holding the CURRENT version of each record, and the history of
-- every version ever received. Canonical columns mirror the standard's fields in snake_case (see
-- src/records/table-specs.ts, which persistence builds its SQL from); they are nullable because a
-- void record carries only its key. Every country code is char(2) so that joins between tables
-- (exports.destination_country = imports.country) compare like with like and use the indexes.
--
-- Bookkeeping on every record table:
--   country         reporting country; (country, key) is the record's identity
--   batch_id/seq    the batch the current version came from; seq is arrival order (a later arrival wins)
--   record_index    position in that batch (breaks ties between versions of one batch)
--   period          the batch's reporting month
--   schema_version  the version of the standard the record arrived in
--   version         1, 2, … per key, in arrival order; the current row is always the highest
--   is_void         withdrawn by a `void` record (hidden from current views, history kept)
--   received        the record exactly as submitted

CREATE TABLE mine_sites (
  country               char(2) NOT NULL,
  site_id               text NOT NULL,
  icglr_id              text,
  name                  text,
  site_country          char(2),
  lat                   double precision,
  lon                   double precision,
  subdivision1          text,
  subdivision2          text,
  locality              text,
  minerals              text[],
  certification_status  text,
  status_since          date,
  activity_status       text,
  last_inspection_date  date,
  operator_id           text,
  licence_ids           text[],
  ipis_pcode            text,
  itsci_site_id         text,
  batch_id              uuid NOT NULL REFERENCES batches (id),
  batch_seq             bigint NOT NULL,
  record_index          integer NOT NULL,
  period                char(7) NOT NULL,
  schema_version        text NOT NULL,
  version               integer NOT NULL CHECK (version > 0),
  is_void               boolean NOT NULL DEFAULT false,
  received              jsonb NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, site_id)
);
-- The console's map: sites of a state by status.
CREATE INDEX mine_sites_status ON mine_sites (country, certification_status) WHERE NOT is_void;
CREATE INDEX mine_sites_batch ON mine_sites (batch_id);

CREATE TABLE actors (
  country                char(2) NOT NULL,
  actor_id               text NOT NULL,
  name                   text,
  name_key               text,
  actor_country          char(2),
  roles                  text[],
  registration_number    text,
  audit_flag             text,
  audit_date             date,
  audit_suspended_until  date,
  batch_id               uuid NOT NULL REFERENCES batches (id),
  batch_seq              bigint NOT NULL,
  record_index           integer NOT NULL,
  period                 char(7) NOT NULL,
  schema_version         text NOT NULL,
  version                integer NOT NULL CHECK (version > 0),
  is_void                boolean NOT NULL DEFAULT false,
  received               jsonb NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, actor_id)
);
-- Party matching: an exporter/importer name key found on a declaration → the registered actor.
CREATE INDEX actors_name_key ON actors (name_key) WHERE name_key IS NOT NULL;
CREATE INDEX actors_batch ON actors (batch_id);

CREATE TABLE licences (
  country         char(2) NOT NULL,
  licence_id      text NOT NULL,
  licence_type    text,
  holder_id       text,
  site_ids        text[],
  minerals        text[],
  valid_from      date,
  valid_to        date,
  batch_id        uuid NOT NULL REFERENCES batches (id),
  batch_seq       bigint NOT NULL,
  record_index    integer NOT NULL,
  period          char(7) NOT NULL,
  schema_version  text NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  is_void         boolean NOT NULL DEFAULT false,
  received        jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, licence_id)
);
CREATE INDEX licences_batch ON licences (batch_id);

CREATE TABLE inspections (
  country          char(2) NOT NULL,
  inspection_id    text NOT NULL,
  site_id          text,
  inspection_date  date,
  result           text,
  inspector_type   text,
  inspector_name   text,
  agency           text,
  purpose          text,
  notes            text,
  batch_id         uuid NOT NULL REFERENCES batches (id),
  batch_seq        bigint NOT NULL,
  record_index     integer NOT NULL,
  period           char(7) NOT NULL,
  schema_version   text NOT NULL,
  version          integer NOT NULL CHECK (version > 0),
  is_void          boolean NOT NULL DEFAULT false,
  received         jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, inspection_id)
);
-- A site's inspections in date order (its status at a given time; the console's site page).
CREATE INDEX inspections_site ON inspections (country, site_id, inspection_date);
CREATE INDEX inspections_batch ON inspections (batch_id);

CREATE TABLE lots (
  country         char(2) NOT NULL,
  lot_number      text NOT NULL,
  registered_at   timestamptz,
  custodian_id    text,
  mineral         text,
  mass            numeric,
  unit            text,
  mass_kg         numeric,
  grade_pct       numeric,
  metal_kg        numeric,
  package_type    text,
  packages        integer,
  operation       text,
  site_id         text,
  input_lots      text[],
  tags            text[],
  batch_id        uuid NOT NULL REFERENCES batches (id),
  batch_seq       bigint NOT NULL,
  record_index    integer NOT NULL,
  period          char(7) NOT NULL,
  schema_version  text NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  is_void         boolean NOT NULL DEFAULT false,
  received        jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, lot_number)
);
-- The trace walks back through (country, lot_number) (the unique index); forwards ("which lots were
-- made from this one") through input_lots; from a mine site to its lots through site_id.
CREATE INDEX lots_input_lots ON lots USING gin (input_lots);
CREATE INDEX lots_site ON lots (country, site_id, registered_at) WHERE site_id IS NOT NULL;
CREATE INDEX lots_batch ON lots (batch_id);

CREATE TABLE custody_transfers (
  country         char(2) NOT NULL,
  transfer_id     text NOT NULL,
  lot_number      text,
  from_actor_id   text,
  to_actor_id     text,
  occurred_at     timestamptz,
  mass            numeric,
  unit            text,
  mass_kg         numeric,
  price_usd       numeric,
  place           text,
  batch_id        uuid NOT NULL REFERENCES batches (id),
  batch_seq       bigint NOT NULL,
  record_index    integer NOT NULL,
  period          char(7) NOT NULL,
  schema_version  text NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  is_void         boolean NOT NULL DEFAULT false,
  received        jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, transfer_id)
);
CREATE INDEX custody_transfers_lot ON custody_transfers (country, lot_number, occurred_at);
CREATE INDEX custody_transfers_batch ON custody_transfers (batch_id);

CREATE TABLE exports (
  country              char(2) NOT NULL,
  export_id            text NOT NULL,
  certificate_number   text,
  certificate_key      text,
  exporter_id          text,
  exporter_name        text,
  exporter_name_key    text,
  importer_name        text,
  importer_name_key    text,
  destination_country  char(2),
  mineral              text,
  hs_code              text,
  mass                 numeric,
  unit                 text,
  mass_kg              numeric,
  grade_pct            numeric,
  metal_kg             numeric,
  value_usd            numeric,
  shipped_on           date,
  exit_point           text,
  lot_numbers          text[],
  transport_ref        text,
  transport_ref_key    text,
  batch_id             uuid NOT NULL REFERENCES batches (id),
  batch_seq            bigint NOT NULL,
  record_index         integer NOT NULL,
  period               char(7) NOT NULL,
  schema_version       text NOT NULL,
  version              integer NOT NULL CHECK (version > 0),
  is_void              boolean NOT NULL DEFAULT false,
  received             jsonb NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, export_id)
);
-- Matcher stage 1: hash/merge join on the certificate.
CREATE INDEX exports_certificate ON exports (certificate_key) WHERE certificate_key IS NOT NULL;
-- Matcher stage 2 blocking and corridor statistics: equality keys first, the date last (a range).
CREATE INDEX exports_corridor ON exports (country, destination_country, mineral, shipped_on);
CREATE INDEX exports_period ON exports (period, country);
CREATE INDEX exports_lot_numbers ON exports USING gin (lot_numbers);
CREATE INDEX exports_batch ON exports (batch_id);

CREATE TABLE imports (
  country              char(2) NOT NULL,
  import_id            text NOT NULL,
  origin_country       char(2),
  consignment_country  char(2),
  importer_id          text,
  importer_name        text,
  importer_name_key    text,
  exporter_name        text,
  exporter_name_key    text,
  certificate_number   text,
  certificate_key      text,
  mineral              text,
  hs_code              text,
  mass                 numeric,
  unit                 text,
  mass_kg              numeric,
  grade_pct            numeric,
  metal_kg             numeric,
  value_usd            numeric,
  arrived_on           date,
  entry_point          text,
  customs_ref          text,
  transport_ref        text,
  transport_ref_key    text,
  batch_id             uuid NOT NULL REFERENCES batches (id),
  batch_seq            bigint NOT NULL,
  record_index         integer NOT NULL,
  period               char(7) NOT NULL,
  schema_version       text NOT NULL,
  version              integer NOT NULL CHECK (version > 0),
  is_void              boolean NOT NULL DEFAULT false,
  received             jsonb NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, import_id)
);
CREATE INDEX imports_certificate ON imports (certificate_key) WHERE certificate_key IS NOT NULL;
CREATE INDEX imports_corridor ON imports (country, origin_country, mineral, arrived_on);
CREATE INDEX imports_period ON imports (period, country);
CREATE INDEX imports_batch ON imports (batch_id);

CREATE TABLE certificates (
  country              char(2) NOT NULL,
  certificate_key      text NOT NULL,
  certificate_number   text,
  issued_on            date,
  expires_on           date,
  issuing_authority    text,
  exporter_id          text,
  importer_name        text,
  importer_name_key    text,
  destination_country  char(2),
  mineral              text,
  hs_code              text,
  mass                 numeric,
  unit                 text,
  mass_kg              numeric,
  grade_pct            numeric,
  metal_kg             numeric,
  value_usd            numeric,
  lot_numbers          text[],
  origin_site_ids      text[],
  status               text,
  batch_id             uuid NOT NULL REFERENCES batches (id),
  batch_seq            bigint NOT NULL,
  record_index         integer NOT NULL,
  period               char(7) NOT NULL,
  schema_version       text NOT NULL,
  version              integer NOT NULL CHECK (version > 0),
  is_void              boolean NOT NULL DEFAULT false,
  received             jsonb NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, certificate_key)
);
-- An import cites a certificate of ANOTHER state: look it up by key alone (CERT_UNKNOWN, _EXPIRED, _OVERDRAWN).
CREATE INDEX certificates_key ON certificates (certificate_key);
CREATE INDEX certificates_corridor ON certificates (country, destination_country, mineral, issued_on);
CREATE INDEX certificates_period ON certificates (period, country);
CREATE INDEX certificates_lot_numbers ON certificates USING gin (lot_numbers);
CREATE INDEX certificates_batch ON certificates (batch_id);

-- Every version of every record ever received, in the batch it came in. A rerun of a chunk inserts
-- nothing twice: (batch_id, record_index) is the identity of a received record.
CREATE TABLE record_history (
  batch_id        uuid NOT NULL REFERENCES batches (id),
  record_index    integer NOT NULL,
  record_type     text NOT NULL CHECK (record_type IN ('mineSite', 'actor', 'licence', 'inspection', 'lot',
                                                       'custodyTransfer', 'export', 'import', 'certificate')),
  country         char(2) NOT NULL,
  key             text NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  batch_seq       bigint NOT NULL,
  action          text NOT NULL CHECK (action IN ('upsert', 'void')),
  schema_version  text NOT NULL,
  received        jsonb NOT NULL,
  -- The canonical columns of that version (nulls left out).
  canonical       jsonb NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, record_index)
);
-- One record's versions in arrival order (GET history, a site's status over time, renumbering).
CREATE INDEX record_history_key ON record_history (record_type, country, key, batch_seq, record_index);
