-- API tokens for the HTTP API (metrics/auth.py): an owner creates one for an integration, scoped
-- to a role and team like a person. Only the token's SHA-256 is stored; the token itself is shown
-- once. A token is never deleted, only revoked, and its name is never reused, so that the request
-- log and the import records ("who") name one token for ever.

CREATE SEQUENCE api_token_id_seq START 1;
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY DEFAULT nextval('api_token_id_seq'),
    name         VARCHAR NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    token_sha256 VARCHAR NOT NULL UNIQUE,
    role         VARCHAR NOT NULL CHECK (role IN ('agent', 'supervisor', 'owner')),
    team_id      INTEGER,
    created_by   VARCHAR NOT NULL,  -- who, in words, as they were when they created it
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    revoked_by   VARCHAR,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
