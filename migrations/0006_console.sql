-- The console's sign-in sessions: an API key exchanged for a session held in an httpOnly cookie.
-- Only the sha256 of the cookie value is stored; the CSRF token is a second secret returned to the
-- page once and sent back in the X-CSRF-Token header of every state-changing request.

CREATE TABLE console_sessions (
  id            uuid PRIMARY KEY,
  token_hash    text NOT NULL UNIQUE,
  key_id        uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  -- Absolute end; an idle session also ends after the configured idle time (checked on lookup).
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz,
  user_agent    text
);
CREATE INDEX console_sessions_key ON console_sessions (key_id) WHERE ended_at IS NULL;
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at) WHERE ended_at IS NULL;
