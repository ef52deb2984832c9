-- The foundation: organisation, people, policy versions, customer contacts and their feedback.
-- All timestamps are TIMESTAMPTZ and the connection runs in UTC; the UI converts to the
-- organisation's time zone. `is_demo` marks generated demo rows so they can be removed without
-- touching imported data.
-- No FOREIGN KEY clauses: DuckDB blocks updates of referenced rows and they slow bulk imports;
-- the import and record functions in metrics/ keep references whole instead.

CREATE TABLE organisation_settings (
    key        VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE team_id_seq START 1;
CREATE TABLE teams (
    id         INTEGER PRIMARY KEY DEFAULT nextval('team_id_seq'),
    name       VARCHAR NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    is_demo    BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE staff_id_seq START 1;
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY DEFAULT nextval('staff_id_seq'),
    name          VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
    email         VARCHAR UNIQUE CHECK (email IS NULL OR email = lower(trim(email))),
    team_id       INTEGER,
    role          VARCHAR NOT NULL CHECK (role IN ('agent', 'supervisor', 'owner')),
    active        BOOLEAN NOT NULL DEFAULT true,
    password_hash VARCHAR,
    is_demo       BOOLEAN NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE policy_versions (
    version        INTEGER PRIMARY KEY,
    title          VARCHAR NOT NULL,
    effective_from DATE NOT NULL,
    checksum       VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    content        VARCHAR NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- One row per customer contact. `source` + `external_id` is the natural key that makes
-- re-importing the same contact a no-op. `team_id` is the queue the contact arrived in, so
-- abandoned contacts (no agent) still count against a team.
CREATE SEQUENCE interaction_id_seq START 1;
CREATE TABLE interactions (
    id          BIGINT PRIMARY KEY DEFAULT nextval('interaction_id_seq'),
    source      VARCHAR NOT NULL,
    external_id VARCHAR NOT NULL,
    channel     VARCHAR NOT NULL CHECK (channel IN ('phone', 'chat', 'email', 'social')),
    agent_id    INTEGER,
    team_id     INTEGER,
    case_id     VARCHAR,
    queued_at   TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    abandoned   BOOLEAN NOT NULL,
    resolved    BOOLEAN NOT NULL,
    category    VARCHAR,
    is_demo     BOOLEAN NOT NULL DEFAULT false,
    UNIQUE (source, external_id),
    CHECK (answered_at IS NULL OR answered_at >= queued_at),
    CHECK (resolved_at IS NULL OR resolved_at >= queued_at),
    CHECK (NOT (abandoned AND answered_at IS NOT NULL))
);

-- A customer's rating of one contact. `scale` says how to read `rating`:
-- '1-5' holds 1..5; 'good/bad' holds 1 for good and 0 for bad.
CREATE SEQUENCE feedback_id_seq START 1;
CREATE TABLE feedback (
    id             BIGINT PRIMARY KEY DEFAULT nextval('feedback_id_seq'),
    interaction_id BIGINT NOT NULL,
    rating         SMALLINT NOT NULL,
    scale          VARCHAR NOT NULL CHECK (scale IN ('1-5', 'good/bad')),
    comment        VARCHAR,
    received_at    TIMESTAMPTZ NOT NULL,
    is_demo        BOOLEAN NOT NULL DEFAULT false,
    CHECK ((scale = '1-5' AND rating BETWEEN 1 AND 5) OR (scale = 'good/bad' AND rating IN (0, 1)))
);
