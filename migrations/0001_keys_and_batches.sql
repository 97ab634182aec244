-- API keys, batches as received (the inbox), their chunks and per-record issues.

CREATE TABLE api_keys (
  id            uuid PRIMARY KEY,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('submitter', 'secretariat', 'auditor')),
  country       char(2) CHECK ((role = 'submitter') = (country IS NOT NULL)),
  -- sha256 of the key: keys are 256-bit random, so a fast hash is enough and lookups stay O(1).
  key_hash      text NOT NULL UNIQUE,
  key_prefix    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    uuid REFERENCES api_keys (id),
  revoked_at    timestamptz,
  last_used_at  timestamptz
);

CREATE TABLE batches (
  id                 uuid PRIMARY KEY,
  -- Arrival order: when two batches carry the same record key, the later arrival wins.
  seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  reporting_country  char(2) NOT NULL,
  period             char(7) NOT NULL,
  schema_version     text NOT NULL,
  submission_ref     text,
  source             jsonb,
  acceptance         text NOT NULL CHECK (acceptance IN ('partial', 'all-or-nothing')),
  origin             text NOT NULL DEFAULT 'push' CHECK (origin IN ('push', 'connector')),
  connector_id       uuid,
  submitted_by       uuid REFERENCES api_keys (id),
  idempotency_scope  text NOT NULL,
  idempotency_key    text NOT NULL,
  content_sha256     text NOT NULL,
  received_sha256    text NOT NULL,
  content_encoding   text,
  byte_size          integer NOT NULL,
  status             text NOT NULL DEFAULT 'received'
                     CHECK (status IN ('received', 'validating', 'persisting', 'completed',
                                       'completed_with_errors', 'rejected', 'failed')),
  record_total       integer NOT NULL,
  records_done       integer NOT NULL DEFAULT 0,
  chunk_total        integer,
  counts             jsonb NOT NULL DEFAULT '{}',
  stage_timings      jsonb NOT NULL DEFAULT '{}',
  error              jsonb,
  attempts           integer NOT NULL DEFAULT 0,
  received_at        timestamptz NOT NULL DEFAULT now(),
  started_at         timestamptz,
  finished_at        timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (idempotency_scope, idempotency_key)
);
CREATE INDEX batches_country_period ON batches (reporting_country, period);
CREATE INDEX batches_unfinished ON batches (updated_at)
  WHERE status IN ('received', 'validating', 'persisting');

-- The body exactly as received (possibly gzip), kept apart so listing batches stays cheap.
CREATE TABLE batch_payloads (
  batch_id  uuid PRIMARY KEY REFERENCES batches (id) ON DELETE CASCADE,
  body      bytea NOT NULL
);

CREATE TABLE batch_chunks (
  batch_id      uuid NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
  chunk_index   integer NOT NULL,
  record_start  integer NOT NULL,
  record_end    integer NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  counts        jsonb NOT NULL DEFAULT '{}',
  timings       jsonb NOT NULL DEFAULT '{}',
  attempts      integer NOT NULL DEFAULT 0,
  error         jsonb,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, chunk_index)
);

CREATE TABLE batch_issues (
  batch_id      uuid NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  record_index  integer,
  record_type   text,
  record_key    text,
  path          text NOT NULL,
  code          text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('error', 'warning')),
  message       text NOT NULL,
  message_fr    text NOT NULL,
  PRIMARY KEY (batch_id, id)
);
CREATE INDEX batch_issues_record ON batch_issues (batch_id, record_index);
