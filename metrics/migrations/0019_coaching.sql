-- Coaching (issue 14, metrics/coaching/): coaching plans with what was observed, their goals
-- and refresher modules, the agent's acknowledgement and comments, extensions and closing;
-- the per-team rule that proposes plans; kudos.
--
-- A plan is open while `closed_at` is NULL: its state is read from the row, never kept twice.
-- A refresher module is an ordinary training assignment (metrics/training/assignments.py),
-- linked to its plan, so whether it was taken is read from the attempts like any other.

CREATE SEQUENCE coaching_plan_id_seq START 1;
CREATE TABLE coaching_plans (
    id              INTEGER PRIMARY KEY DEFAULT nextval('coaching_plan_id_seq'),
    agent_id        INTEGER NOT NULL,
    team_id         INTEGER,      -- the agent's team when the plan was opened
    opened_by       INTEGER NOT NULL,
    opened_at       TIMESTAMPTZ NOT NULL,
    -- Where the supervisor opened it: a coaching candidate, the agent's page, a complaint, or a
    -- proposal of the team's rule that the supervisor confirmed.
    opened_from     VARCHAR NOT NULL
                        CHECK (opened_from IN ('candidate', 'agent_page', 'complaint', 'proposal')),
    complaint_id    INTEGER,      -- the complaint it was opened from
    review_on       DATE NOT NULL, -- local date of the review; an extension moves it
    acknowledged_at TIMESTAMPTZ,  -- when the agent acknowledged it
    closed_at       TIMESTAMPTZ,
    closed_by       INTEGER,
    closing_note    VARCHAR,
    is_demo         BOOLEAN NOT NULL DEFAULT false,
    CHECK ((opened_from = 'complaint') = (complaint_id IS NOT NULL)),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);

-- The focus metrics, each as it stood when the plan was opened (value, n, 95% interval) beside
-- the policy's target then, so the plan keeps saying why it was opened after later imports.
CREATE TABLE coaching_plan_focus (
    plan_id INTEGER NOT NULL,
    metric  VARCHAR NOT NULL CHECK (length(trim(metric)) > 0),
    value   DOUBLE,
    n       INTEGER NOT NULL CHECK (n >= 0),
    low     DOUBLE,
    high    DOUBLE,
    target  DOUBLE NOT NULL,
    PRIMARY KEY (plan_id, metric)
);

-- What was observed, in the supervisor's words, each optionally pointing at what shows it: a
-- contact, a complaint, or one answer of a training attempt.
CREATE SEQUENCE coaching_observation_id_seq START 1;
CREATE TABLE coaching_observations (
    id             INTEGER PRIMARY KEY DEFAULT nextval('coaching_observation_id_seq'),
    plan_id        INTEGER NOT NULL,
    observed       VARCHAR NOT NULL CHECK (length(trim(observed)) > 0),
    evidence_kind  VARCHAR CHECK (evidence_kind IN ('contact', 'complaint', 'training_answer')),
    interaction_id BIGINT,
    complaint_id   INTEGER,
    attempt_id     INTEGER,
    step_id        VARCHAR,
    CHECK ((evidence_kind = 'contact') = (interaction_id IS NOT NULL)),
    CHECK ((evidence_kind = 'complaint') = (complaint_id IS NOT NULL)),
    CHECK ((evidence_kind = 'training_answer') = (attempt_id IS NOT NULL AND step_id IS NOT NULL))
);

-- Agreed goals. When the plan is closed, the judgement of each goal is kept beside it (the
-- metric over the weeks since the plan, its n, met or not), so the agent's history does not
-- change when contacts are imported later.
CREATE SEQUENCE coaching_goal_id_seq START 1;
CREATE TABLE coaching_goals (
    id           INTEGER PRIMARY KEY DEFAULT nextval('coaching_goal_id_seq'),
    plan_id      INTEGER NOT NULL,
    metric       VARCHAR NOT NULL CHECK (length(trim(metric)) > 0),
    target       DOUBLE NOT NULL,
    due          DATE NOT NULL,
    closed_value DOUBLE,
    closed_n     INTEGER,
    met          BOOLEAN
);

-- The refresher modules of a plan: training assignments made with it.
CREATE TABLE coaching_plan_refreshers (
    plan_id       INTEGER NOT NULL,
    assignment_id INTEGER NOT NULL,
    PRIMARY KEY (plan_id, assignment_id)
);

-- The plan's conversation and its turns: comments by the agent or the supervisor, each
-- extension (with the new review date) and the closing.
CREATE SEQUENCE coaching_plan_note_id_seq START 1;
CREATE TABLE coaching_plan_notes (
    id         INTEGER PRIMARY KEY DEFAULT nextval('coaching_plan_note_id_seq'),
    plan_id    INTEGER NOT NULL,
    kind       VARCHAR NOT NULL CHECK (kind IN ('comment', 'extended', 'closed')),
    written_by INTEGER NOT NULL,
    written_at TIMESTAMPTZ NOT NULL,
    note       VARCHAR,
    review_on  DATE,          -- an extension's new review date
    CHECK ((kind = 'extended') = (review_on IS NOT NULL)),
    CHECK (kind <> 'comment' OR length(trim(note)) > 0)
);

-- A team's rule for proposing plans (issue 14, item 2): present means on. An agent clearly below
-- a standard over the last `window_days` days is proposed to the team's supervisor.
CREATE TABLE team_coaching_rules (
    team_id     INTEGER PRIMARY KEY,
    window_days INTEGER NOT NULL CHECK (window_days BETWEEN 7 AND 365),
    set_by      INTEGER,      -- NULL: the command line
    set_at      TIMESTAMPTZ NOT NULL
);

-- Proposals a supervisor set aside, so the same one is not proposed again until the agent's
-- numbers are judged over a window that starts after it was set aside.
CREATE TABLE coaching_proposal_dismissals (
    agent_id     INTEGER NOT NULL,
    metric       VARCHAR NOT NULL,
    dismissed_by INTEGER NOT NULL,
    dismissed_at TIMESTAMPTZ NOT NULL,
    reason       VARCHAR,
    PRIMARY KEY (agent_id, metric, dismissed_at)
);

-- Kudos from a supervisor or an owner to an agent, with its reason; optionally passing on a
-- customer's comment (`feedback_id`, once per comment). Private kudos are seen by the agent and
-- those who manage them; shared ones also by the agent's team.
CREATE SEQUENCE kudos_id_seq START 1;
CREATE TABLE kudos (
    id               INTEGER PRIMARY KEY DEFAULT nextval('kudos_id_seq'),
    agent_id         INTEGER NOT NULL,
    given_by         INTEGER NOT NULL,
    given_at         TIMESTAMPTZ NOT NULL,
    reason           VARCHAR NOT NULL CHECK (length(trim(reason)) > 0),
    feedback_id      BIGINT UNIQUE,
    shared_with_team BOOLEAN NOT NULL DEFAULT false,
    is_demo          BOOLEAN NOT NULL DEFAULT false
);
