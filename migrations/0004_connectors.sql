-- Connectors (issue 5): instances configured per member state, their secrets (sealed, apart), the
-- cursor each one has reached (written in the same transaction as the batch made from the rows it
-- covers), runs with their mapping issues and the batches they produced, files received (stored
-- before they are read, so a run can be replayed), and the digest of every record a connector has
-- sent (a row re-read in the lookback window is not sent again when its record has not changed).

CREATE TABLE connector_instances (
  id                    uuid PRIMARY KEY,
  country               char(2) NOT NULL,
  name                  text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  title                 text,
  kind                  text NOT NULL,
  mapping_name          text NOT NULL,
  mapping_version       text NOT NULL,
  -- The kind's configuration (validated against its JSON Schema); never holds a secret.
  config                jsonb NOT NULL,
  -- Mapping options of this instance: { timezone?, acceptance? }.
  options               jsonb NOT NULL DEFAULT '{}',
  -- Cron expression (UTC); null: runs only when asked (run now, an upload).
  schedule              text,
  paused_at             timestamptz,
  paused_reason         text,
  consecutive_failures  integer NOT NULL DEFAULT 0,
  next_run_at           timestamptz,
  -- The identity its batches are submitted under: a submitter key of its country, never shown.
  api_key_id            uuid NOT NULL REFERENCES api_keys (id),
  created_by            text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country, name)
);
CREATE INDEX connector_instances_due ON connector_instances (next_run_at)
  WHERE schedule IS NOT NULL AND paused_at IS NULL;

-- AES-256-GCM under the connector secret key (RMDX_CONNECTOR_SECRET_KEY or its file); the
-- additional data binds a ciphertext to its instance and key. Never selected by API reads.
CREATE TABLE connector_secrets (
  instance_id  uuid PRIMARY KEY REFERENCES connector_instances (id) ON DELETE CASCADE,
  ciphertext   bytea NOT NULL,
  nonce        bytea NOT NULL,
  key_id       text NOT NULL,
  -- The names of the fields set (e.g. {token}), shown in views; never their values.
  fields       text[] NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE connector_runs (
  id                 uuid PRIMARY KEY,
  instance_id        uuid NOT NULL REFERENCES connector_instances (id) ON DELETE CASCADE,
  trigger            text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'upload', 'replay')),
  status             text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  -- Attempts started (a transient failure is tried again with backoff).
  attempt            integer NOT NULL DEFAULT 0,
  replay_of          uuid REFERENCES connector_runs (id),
  -- File kinds: the stored files this run reads (set when it starts; a replay reads them again).
  file_ids           uuid[],
  -- Period of records without an event date when nothing else tells (YYYY-MM; a replay reuses it).
  period_hint        char(7),
  requested_by       text,
  queued_at          timestamptz NOT NULL DEFAULT now(),
  started_at         timestamptz,
  finished_at        timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  -- Where the run started reading, and the last cursor it stored.
  cursor_before      jsonb,
  cursor_after       jsonb,
  pages              integer NOT NULL DEFAULT 0,
  rows_read          integer NOT NULL DEFAULT 0,
  rows_mapped        integer NOT NULL DEFAULT 0,
  rows_rejected      integer NOT NULL DEFAULT 0,
  rows_skipped       integer NOT NULL DEFAULT 0,
  records            integer NOT NULL DEFAULT 0,
  -- Records not sent because this connector already sent them unchanged (re-read rows).
  records_unchanged  integer NOT NULL DEFAULT 0,
  batches_created    integer NOT NULL DEFAULT 0,
  -- Batches this run found already stored under the same key (a replay of stored pages).
  batches_existing   integer NOT NULL DEFAULT 0,
  issues             integer NOT NULL DEFAULT 0,
  mapping_digest     text,
  error_code         text,
  error_retryable    boolean,
  -- Already redacted: never holds a secret.
  error_message      text
);
CREATE INDEX connector_runs_instance ON connector_runs (instance_id, queued_at DESC);
CREATE INDEX connector_runs_unfinished ON connector_runs (updated_at) WHERE status IN ('queued', 'running');

-- Rows that could not be mapped: row number, column and reason, kept with the run (capped per run).
CREATE TABLE connector_run_issues (
  run_id       uuid NOT NULL REFERENCES connector_runs (id) ON DELETE CASCADE,
  seq          integer NOT NULL,
  row_number   integer NOT NULL,
  stream       text NOT NULL,
  file         text,
  sheet        text,
  source_id    text,
  column_name  text,
  value        text,
  code         text NOT NULL,
  message      text NOT NULL,
  message_fr   text NOT NULL,
  PRIMARY KEY (run_id, seq)
);

-- The batches a run stored (or found stored), with the source row of each record, so that a
-- validation issue (record index) can be told as the national file's row.
CREATE TABLE connector_run_batches (
  run_id        uuid NOT NULL REFERENCES connector_runs (id) ON DELETE CASCADE,
  batch_id      uuid NOT NULL REFERENCES batches (id),
  page          integer NOT NULL,
  period        char(7) NOT NULL,
  record_count  integer NOT NULL,
  created       boolean NOT NULL,
  -- origins[i]: [stream, rowNumber, file, sheet, sourceId] of record i of the batch.
  origins       jsonb NOT NULL,
  PRIMARY KEY (run_id, batch_id)
);
CREATE INDEX connector_run_batches_batch ON connector_run_batches (batch_id);

CREATE TABLE connector_cursors (
  instance_id    uuid PRIMARY KEY REFERENCES connector_instances (id) ON DELETE CASCADE,
  -- The kind's opaque cursor; SQL NULL = from the beginning.
  cursor         jsonb,
  last_run_id    uuid REFERENCES connector_runs (id),
  last_batch_id  uuid REFERENCES batches (id),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Files received: uploads and folder pick-ups, stored before they are read.
CREATE TABLE connector_files (
  id           uuid PRIMARY KEY,
  instance_id  uuid NOT NULL REFERENCES connector_instances (id) ON DELETE CASCADE,
  origin       text NOT NULL CHECK (origin IN ('upload', 'folder')),
  name         text NOT NULL,
  sha256       text NOT NULL,
  size         integer NOT NULL,
  -- Folder pick-ups: the modification time seen, so an unchanged file is not hashed again.
  mtime_ms     double precision,
  data         bytea NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  received_by  text,
  -- Set in the transaction that stores the file's last page.
  done_at      timestamptz,
  done_run_id  uuid REFERENCES connector_runs (id)
);
CREATE INDEX connector_files_pending ON connector_files (instance_id, received_at) WHERE done_at IS NULL;
-- A file of a watched folder is picked up once per content.
CREATE UNIQUE INDEX connector_files_folder ON connector_files (instance_id, name, sha256) WHERE origin = 'folder';

-- What each connector last sent per record key (sha256 of the record's canonical JSON).
CREATE TABLE connector_record_digests (
  instance_id  uuid NOT NULL REFERENCES connector_instances (id) ON DELETE CASCADE,
  record_type  text NOT NULL,
  record_key   text NOT NULL,
  digest       text NOT NULL,
  batch_id     uuid NOT NULL,
  PRIMARY KEY (instance_id, record_type, record_key)
);

-- A connector's batches name their connector and run. NOT VALID: rows written before this
-- migration are not checked (no connector existed then), new ones are.
ALTER TABLE batches ADD COLUMN connector_run_id uuid;
ALTER TABLE batches ADD CONSTRAINT batches_connector_fk
  FOREIGN KEY (connector_id) REFERENCES connector_instances (id) NOT VALID;
ALTER TABLE batches ADD CONSTRAINT batches_connector_run_fk
  FOREIGN KEY (connector_run_id) REFERENCES connector_runs (id) NOT VALID;
CREATE INDEX batches_connector ON batches (connector_id, seq) WHERE connector_id IS NOT NULL;
