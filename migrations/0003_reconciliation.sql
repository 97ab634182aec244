-- Reconciliation: runs of the matcher, their results (links, discrepancies, corridor flows), the
-- follow-up of discrepancies (status and comments, kept across runs) and compliance per state and month.
-- See src/matcher/README.md for the method, the codes and every threshold with its source.
--
-- Results belong to a run and are written once, when the run completes (one transaction). A run covers
-- cells (exporting country, importing country, month); reconciliation_cells points each cell at the
-- latest completed run that covered it, which is what the API shows by default.
-- Result tables are append-only per run and read by run: they carry run_seq (bigint, arrival order of
-- runs) with a BRIN index, because a run's rows are inserted together and so lie together on disk.

CREATE TABLE reconciliation_runs (
  id                  uuid PRIMARY KEY,
  seq                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  -- Months covered (exports shipped, imports arrived, aggregates): 'YYYY-MM' .. 'YYYY-MM'.
  period_from         char(7) NOT NULL,
  period_to           char(7) NOT NULL CHECK (period_to >= period_from),
  -- Corridor filter: null = every member state.
  exporting_country   char(2),
  importing_country   char(2),
  -- The day the run judges lag windows against (awaiting_lag vs overdue); part of the inputs.
  as_of               date NOT NULL,
  trigger             text NOT NULL CHECK (trigger IN ('api', 'batch', 'cli')),
  requested_by        uuid REFERENCES api_keys (id),
  status              text NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  -- { stage, stagesDone, stagesTotal, percent }
  progress            jsonb NOT NULL DEFAULT '{}',
  counts              jsonb NOT NULL DEFAULT '{}',
  timings             jsonb NOT NULL DEFAULT '{}',
  -- Every threshold and model weight the run used (so its results can be explained later).
  settings            jsonb NOT NULL,
  -- sha256 over the input records in scope (keys and versions), the settings and as_of.
  inputs_fingerprint  text,
  error               jsonb,
  attempts            integer NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  finished_at         timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciliation_runs_unfinished ON reconciliation_runs (updated_at)
  WHERE status IN ('queued', 'running');
CREATE INDEX reconciliation_runs_created ON reconciliation_runs (seq DESC);

-- The latest completed run of each (exporting, importing, month) cell.
CREATE TABLE reconciliation_cells (
  exporting_country  char(2) NOT NULL,
  importing_country  char(2) NOT NULL,
  period             char(7) NOT NULL,
  run_seq            bigint NOT NULL,
  run_id             uuid NOT NULL REFERENCES reconciliation_runs (id),
  PRIMARY KEY (exporting_country, importing_country, period)
);
CREATE INDEX reconciliation_cells_run ON reconciliation_cells (run_seq);

-- Cells touched by completed batches, waiting for their debounced incremental run.
CREATE TABLE reconciliation_pending (
  exporting_country  char(2) NOT NULL,
  importing_country  char(2) NOT NULL,
  period             char(7) NOT NULL,
  first_requested_at timestamptz NOT NULL DEFAULT now(),
  due_at             timestamptz NOT NULL,
  PRIMARY KEY (exporting_country, importing_country, period)
);
CREATE INDEX reconciliation_pending_due ON reconciliation_pending (due_at);

-- A link between an export and an import (decision 'link'), or a pair in the clerical-review band
-- (decision 'review'). Stage 1: same certificate; stage 2: blocked Fellegi–Sunter score. One export
-- may be linked to several imports (a split shipment): group_size and the group_* figures.
CREATE TABLE reconciliation_links (
  run_seq             bigint NOT NULL,
  decision            text NOT NULL CHECK (decision IN ('link', 'review')),
  stage               smallint NOT NULL CHECK (stage IN (1, 2)),
  -- certificate | window | certificate_near | split
  pass                text NOT NULL,
  exporting_country   char(2) NOT NULL,
  export_id           text NOT NULL,
  importing_country   char(2) NOT NULL,
  import_id           text NOT NULL,
  mineral             text,
  -- Month of the export (the cell the link belongs to) and of the import.
  period              char(7) NOT NULL,
  import_period       char(7),
  certificate_key     text,
  group_size          smallint NOT NULL DEFAULT 1,
  -- Stage 2: the match weight (sum of log2 m/u) and the level of each field (in the order of the
  -- run's settings.model.fields; -1 = not compared), from which the API explains the weights.
  score               real,
  levels              smallint[],
  -- Figures compared: kilograms, USD (export FOB; import CIF and converted to FOB), days.
  export_kg           double precision,
  import_kg           double precision,
  group_import_kg     double precision,
  export_value_usd    double precision,
  import_value_usd    double precision,
  group_import_value_fob double precision,
  qty_diff            double precision,
  value_diff          double precision,
  value_ratio         double precision,
  day_gap             integer,
  unit_factor         double precision,
  codes               text[] NOT NULL,
  severity            text NOT NULL CHECK (severity IN ('info', 'minor', 'major'))
);
CREATE INDEX reconciliation_links_run ON reconciliation_links USING brin (run_seq);

-- One discrepancy: a code on an item (a link, an unmatched record, a certificate, an aggregate cell).
-- `id` is a stable fingerprint of (code, item): the same item has the same id in every run, which is
-- how its follow-up carries over.
CREATE TABLE reconciliation_discrepancies (
  run_seq            bigint NOT NULL,
  id                 text NOT NULL,
  code               text NOT NULL,
  subtype            text,
  severity           text NOT NULL CHECK (severity IN ('info', 'minor', 'major')),
  exporting_country  char(2) NOT NULL,
  importing_country  char(2) NOT NULL,
  -- The state expected to answer; null when both are.
  responsible        char(2),
  mineral            text,
  period             char(7) NOT NULL,
  export_id          text,
  import_ids         text[],
  certificate_key    text,
  link_stage         smallint,
  link_score         real,
  figures            jsonb NOT NULL,
  PRIMARY KEY (run_seq, id)
);
CREATE INDEX reconciliation_discrepancies_id ON reconciliation_discrepancies (id, run_seq DESC);

-- Stage 3: mirror flows per (exporting, importing, mineral, month). Imports are aligned to the month
-- of the export they are linked to (lag), unlinked imports count in their arrival month.
CREATE TABLE reconciliation_flows (
  run_seq                  bigint NOT NULL,
  exporting_country        char(2) NOT NULL,
  importing_country        char(2) NOT NULL,
  mineral                  text NOT NULL,
  period                   char(7) NOT NULL,
  -- false: the partner is not a member state (counted, not matched).
  member                   boolean NOT NULL,
  export_count             integer NOT NULL DEFAULT 0,
  export_kg                double precision NOT NULL DEFAULT 0,
  export_value_usd         double precision NOT NULL DEFAULT 0,
  certified_export_count   integer NOT NULL DEFAULT 0,
  confirmable_export_count integer NOT NULL DEFAULT 0,
  confirmed_export_count   integer NOT NULL DEFAULT 0,
  unmatched_export_count   integer NOT NULL DEFAULT 0,
  import_count             integer NOT NULL DEFAULT 0,
  import_kg                double precision NOT NULL DEFAULT 0,
  import_value_fob         double precision NOT NULL DEFAULT 0,
  unmatched_import_count   integer NOT NULL DEFAULT 0,
  -- import_kg / export_kg, monthly and over the rolling 3 months ending with this one.
  ratio                    double precision,
  export_kg_3m             double precision,
  import_kg_3m             double precision,
  ratio_3m                 double precision,
  PRIMARY KEY (run_seq, exporting_country, importing_country, mineral, period)
);

-- Follow-up of a discrepancy across runs, keyed by its stable id.
CREATE TABLE discrepancy_followups (
  id                 text PRIMARY KEY,
  status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'explained', 'resolved')),
  first_seen_run     bigint NOT NULL,
  first_seen_at      timestamptz NOT NULL DEFAULT now(),
  last_seen_run      bigint NOT NULL,
  last_seen_at       timestamptz NOT NULL DEFAULT now(),
  status_changed_at  timestamptz,
  status_changed_by  uuid REFERENCES api_keys (id)
);

CREATE TABLE discrepancy_comments (
  discrepancy_id  text NOT NULL REFERENCES discrepancy_followups (id),
  id              bigint GENERATED ALWAYS AS IDENTITY,
  author_key_id   uuid REFERENCES api_keys (id),
  author_name     text NOT NULL,
  author_role     text NOT NULL,
  author_country  char(2),
  body            text,
  status_from     text,
  status_to       text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (discrepancy_id, id)
);

-- Compliance per member state and month, recomputed from the current cells after each run.
CREATE TABLE compliance_scores (
  country               char(2) NOT NULL,
  period                char(7) NOT NULL,
  run_seq               bigint NOT NULL,
  computed_at           timestamptz NOT NULL DEFAULT now(),
  timeliness            double precision,
  reported_on_time      boolean,
  certificate_coverage  double precision,
  confirmation_rate     double precision,
  reliability_index     double precision,
  open_major_items      integer NOT NULL DEFAULT 0,
  overdue_major_items   integer NOT NULL DEFAULT 0,
  band                  text NOT NULL CHECK (band IN ('compliant', 'partial', 'non_compliant')),
  -- Each figure's numerator, denominator, inputs and the ids of the items behind it.
  figures               jsonb NOT NULL,
  PRIMARY KEY (country, period)
);
