-- Sign-in kept on the server (metrics/auth.py): sessions, the record of password checks that
-- slows and locks guessing, and the guard that keeps the organisation from losing its last owner.

-- One row per sign-in. Only the SHA-256 of the session token is stored: a copy of the file does
-- not let anyone act as a signed-in person. Every script run resolves the token to the staff
-- row as it is now, so deactivation, a role change or a team change applies at the next click.
CREATE TABLE sign_in_sessions (
    token_sha256 VARCHAR PRIMARY KEY,
    staff_id     INTEGER NOT NULL,
    client       VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    ended_at     TIMESTAMPTZ,
    ended_why    VARCHAR CHECK (ended_why IN ('signed out', 'deactivated', 'password changed')),
    CHECK ((ended_at IS NULL) = (ended_why IS NULL))
);

-- One row per password check that was allowed to run, written before the password is verified
-- so that simultaneous guesses see each other. Appended, never updated: two sessions updating
-- one counter row would conflict. `email` is as typed (trimmed, lower case), known or not, so an
-- unknown e-mail is slowed and locked exactly like a known one.
CREATE SEQUENCE password_check_id_seq START 1;
CREATE TABLE password_checks (
    id         BIGINT PRIMARY KEY DEFAULT nextval('password_check_id_seq'),
    email      VARCHAR NOT NULL,
    client     VARCHAR NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- A check of `email` up to `through_check_id` no longer counts against the account: the right
-- password was given ('signed in', through that very check) or an owner unlocked it.
CREATE TABLE sign_in_clears (
    email            VARCHAR NOT NULL,
    through_check_id BIGINT NOT NULL,
    reason           VARCHAR NOT NULL CHECK (reason IN ('signed in', 'unlocked')),
    cleared_by       VARCHAR,
    cleared_at       TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- One row, rewritten by every change to who can sign in as owner (deactivating or demoting an
-- owner, creating the first one). Two such changes at once then conflict and the second is
-- refused, so two owners deactivating each other cannot leave the store without one, and two
-- browsers cannot both create the first owner.
CREATE TABLE owner_roster (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    changed_at TIMESTAMPTZ NOT NULL
);
INSERT INTO owner_roster VALUES (1, current_timestamp);
