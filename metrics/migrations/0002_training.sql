-- Training records: attempts at modules with every answer, certificates, and the signed
-- acknowledgements of policy versions.
-- An attempt stores its plan (the questions drawn and how they were shuffled) and its position,
-- and each answer is written as soon as it is given, so a closed browser resumes exactly where
-- it stopped. Module title and versions are copied in: the content files change, records do not.

CREATE SEQUENCE training_attempt_id_seq START 1;
CREATE TABLE training_attempts (
    id             INTEGER PRIMARY KEY DEFAULT nextval('training_attempt_id_seq'),
    staff_id       INTEGER NOT NULL,
    module_id      VARCHAR NOT NULL,
    module_version INTEGER NOT NULL,
    module_title   VARCHAR NOT NULL,
    policy_version INTEGER NOT NULL,
    attempt_number INTEGER NOT NULL CHECK (attempt_number >= 1),
    plan           JSON NOT NULL,
    position       INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    started_at     TIMESTAMPTZ NOT NULL,
    last_active_at TIMESTAMPTZ NOT NULL,
    completed_at   TIMESTAMPTZ,
    time_spent_s   INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_s >= 0),
    points         DOUBLE,
    max_points     INTEGER,
    score          DOUBLE CHECK (score BETWEEN 0 AND 1),
    pass_mark      DOUBLE CHECK (pass_mark BETWEEN 0 AND 1),
    passed         BOOLEAN,
    is_demo        BOOLEAN NOT NULL DEFAULT false,
    UNIQUE (staff_id, module_id, attempt_number)
);

CREATE TABLE training_answers (
    attempt_id  INTEGER NOT NULL,
    step_id     VARCHAR NOT NULL,
    step_kind   VARCHAR NOT NULL,
    answer      JSON NOT NULL,
    -- The answer in words (options chosen, the conversation), as the module read when it was
    -- given: supervisors read this, whatever later versions of the module say.
    answer_text VARCHAR NOT NULL,
    -- Credit 0..1 once the step is answered in full; NULL for reflections (not graded) and for
    -- a role-play still in progress.
    credit      DOUBLE CHECK (credit BETWEEN 0 AND 1),
    points      INTEGER,
    answered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (attempt_id, step_id)
);

CREATE TABLE certificates (
    code           VARCHAR PRIMARY KEY,
    attempt_id     INTEGER NOT NULL UNIQUE,
    staff_id       INTEGER NOT NULL,
    staff_name     VARCHAR NOT NULL,
    module_id      VARCHAR NOT NULL,
    module_title   VARCHAR NOT NULL,
    module_version INTEGER NOT NULL,
    policy_version INTEGER NOT NULL,
    score          DOUBLE NOT NULL,
    pass_mark      DOUBLE NOT NULL,
    issued_at      TIMESTAMPTZ NOT NULL,
    is_demo        BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE policy_acknowledgements (
    staff_id        INTEGER NOT NULL,
    policy_version  INTEGER NOT NULL,
    typed_name      VARCHAR NOT NULL CHECK (length(trim(typed_name)) > 0),
    acknowledged_at TIMESTAMPTZ NOT NULL,
    is_demo         BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (staff_id, policy_version)
);
