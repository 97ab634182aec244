-- Evidence: the hub's receipt signing keys, the signed receipts it issues, and the hash-chained
-- audit log. See docs/evidence.md. Receipts and audit entries are append-only (triggers below);
-- the audit chain makes any change that gets past the triggers detectable (`rmdx audit verify`).

-- Ed25519 key pairs that sign receipts. Exactly one is active; retired keys stay published at
-- GET /v1/receipt-keys so receipts they signed keep verifying.
CREATE TABLE receipt_signing_keys (
  -- RFC 7638 JWK thumbprint of the public key (base64url of its sha256).
  kid          text PRIMARY KEY,
  public_jwk   jsonb NOT NULL,
  -- The private key (PKCS#8 DER) sealed with AES-256-GCM under the key-encryption key (KEK):
  -- 12-byte IV || ciphertext || 16-byte tag. Never stored in clear; never logged.
  private_enc  bytea NOT NULL,
  -- Which KEK sealed it: the first 16 hex digits of sha256("rmdx-kek" || KEK).
  kek_id       text NOT NULL,
  status       text NOT NULL CHECK (status IN ('active', 'retired')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz
);
CREATE UNIQUE INDEX receipt_signing_keys_one_active ON receipt_signing_keys ((true)) WHERE status = 'active';

-- Every receipt issued: the RFC 8785 (JCS) canonical payload exactly as signed, and its signature.
CREATE TABLE receipts (
  id          uuid PRIMARY KEY,
  batch_id    uuid NOT NULL REFERENCES batches (id),
  kind        text NOT NULL CHECK (kind IN ('accepted', 'completed')),
  -- received_at for an acceptance receipt, finished_at for a completion one: a replayed batch that
  -- finishes again gets a second completion receipt, never two for the same finish.
  event_at    timestamptz NOT NULL,
  kid         text NOT NULL REFERENCES receipt_signing_keys (kid),
  payload     text NOT NULL,
  signature   text NOT NULL,
  issued_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (batch_id, kind, event_at)
);
CREATE INDEX receipts_batch ON receipts (batch_id, issued_at);

-- The audit chain. `entry` is the canonical JSON that was hashed:
--   {"seq","at","type","actor","subject","data","prevHash"}
-- and hash = sha256(entry). The other columns repeat fields of `entry` for filtering; verification
-- checks that they agree with it.
CREATE TABLE audit_log (
  seq        bigint PRIMARY KEY CHECK (seq >= 1),
  at         timestamptz NOT NULL,
  type       text NOT NULL,
  actor      text NOT NULL,
  subject    text,
  entry      text NOT NULL,
  prev_hash  text NOT NULL,
  hash       text NOT NULL UNIQUE
);
CREATE INDEX audit_log_type ON audit_log (type, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);

CREATE FUNCTION rmdx_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION rmdx_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION rmdx_append_only();
CREATE TRIGGER receipts_append_only BEFORE UPDATE OR DELETE ON receipts
  FOR EACH ROW EXECUTE FUNCTION rmdx_append_only();
CREATE TRIGGER receipts_no_truncate BEFORE TRUNCATE ON receipts
  FOR EACH STATEMENT EXECUTE FUNCTION rmdx_append_only();
