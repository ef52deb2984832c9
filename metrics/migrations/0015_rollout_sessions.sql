-- The mandatory rollout session (issue 12, metrics/training/rollout.py): an owner, or a
-- supervisor for their team, presents the version in force to the room. Staff join on their own
-- device with a short code (attendance is recorded when they join); the presenter may mark
-- someone present who has no device, with a note. Check questions are opened on a slide,
-- answered on the devices and revealed; ending the session stores its summary. Everything is
-- stored as it happens, so a reload or a lost connection comes back to the same state.

CREATE SEQUENCE rollout_session_id_seq START 1;
CREATE TABLE rollout_sessions (
    id             INTEGER PRIMARY KEY DEFAULT nextval('rollout_session_id_seq'),
    policy_version INTEGER NOT NULL,
    -- Unique for ever, so that an old code is told apart from a mistyped one ("has ended").
    join_code      VARCHAR NOT NULL UNIQUE,
    team_id        INTEGER,  -- NULL: the whole organisation (an owner's session)
    started_by     INTEGER NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    expires_at     TIMESTAMPTZ NOT NULL,
    slide          INTEGER NOT NULL DEFAULT 0 CHECK (slide >= 0),
    slide_title    VARCHAR NOT NULL,
    ended_at       TIMESTAMPTZ,
    ended_by       INTEGER,
    summary        VARCHAR,  -- JSON of RolloutSummary, stored when the session ends
    is_demo        BOOLEAN NOT NULL DEFAULT false,
    CHECK ((ended_at IS NULL) = (summary IS NULL))
);

CREATE TABLE rollout_attendance (
    session_id INTEGER NOT NULL,
    staff_id   INTEGER NOT NULL,
    joined_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    marked_by  INTEGER,  -- NULL: joined on their own device; else who marked them present
    note       VARCHAR,  -- why they were marked present (no device), given by whoever marked it
    PRIMARY KEY (session_id, staff_id),
    CHECK ((marked_by IS NULL) = (note IS NULL))
);

CREATE SEQUENCE rollout_question_id_seq START 1;
CREATE TABLE rollout_questions (
    id          INTEGER PRIMARY KEY DEFAULT nextval('rollout_question_id_seq'),
    session_id  INTEGER NOT NULL,
    slide       INTEGER NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('single_choice', 'multiple_choice')),
    prompt      VARCHAR NOT NULL,
    options     VARCHAR[] NOT NULL,
    correct     INTEGER[] NOT NULL,  -- indexes into options
    explanation VARCHAR NOT NULL,
    source      VARCHAR,  -- "module-id/step-id" of a training question; NULL if written on the spot
    opened_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    revealed_at TIMESTAMPTZ
);

CREATE TABLE rollout_answers (
    question_id INTEGER NOT NULL,
    staff_id    INTEGER NOT NULL,
    choices     INTEGER[] NOT NULL,  -- indexes into the question's options
    answered_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (question_id, staff_id)
);
