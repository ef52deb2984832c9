-- `interactions` and `feedback` are built again without their primary keys (bench/README.md,
-- `import_contacts.py`): each key is an index DuckDB keeps for every inserted row and merges into
-- the table on one thread at commit, ~8% of a million-row import. Their ids stay unique by the
-- one way every writer takes them, `metrics/contacts/ids.py`: consecutive ids from the table's
-- sequence, checked in the write's transaction against the stored rows.
-- DuckDB cannot drop a constraint, hence the copies. The columns keep their order and ids.
CREATE TABLE interactions_rebuilt (
    id                 BIGINT NOT NULL DEFAULT nextval('interaction_id_seq'),
    source             VARCHAR NOT NULL,
    external_id        VARCHAR NOT NULL,
    channel            VARCHAR NOT NULL CHECK (channel IN ('phone', 'chat', 'email', 'social')),
    agent_id           INTEGER,
    team_id            INTEGER,
    case_id            VARCHAR,
    queued_at          TIMESTAMPTZ NOT NULL,
    answered_at        TIMESTAMPTZ,
    resolved_at        TIMESTAMPTZ,
    abandoned          BOOLEAN NOT NULL,
    resolved           BOOLEAN NOT NULL,
    category           VARCHAR,
    is_demo            BOOLEAN NOT NULL DEFAULT false,
    import_batch_id    INTEGER,
    content_hash       UHUGEINT,
    reopens            INTEGER,
    case_contacts      INTEGER,
    seen_unanswered_at TIMESTAMPTZ,
    agent_interface    VARCHAR,
    CHECK (answered_at IS NULL OR answered_at >= queued_at),
    CHECK (resolved_at IS NULL OR resolved_at >= queued_at),
    CHECK (NOT (abandoned AND answered_at IS NOT NULL))
);
INSERT INTO interactions_rebuilt SELECT * FROM interactions ORDER BY id;
DROP TABLE interactions;
ALTER TABLE interactions_rebuilt RENAME TO interactions;

CREATE TABLE feedback_rebuilt (
    id              BIGINT NOT NULL DEFAULT nextval('feedback_id_seq'),
    interaction_id  BIGINT NOT NULL,
    rating          SMALLINT NOT NULL,
    scale           VARCHAR NOT NULL CHECK (scale IN ('1-5', 'good/bad')),
    comment         VARCHAR,
    received_at     TIMESTAMPTZ NOT NULL,
    is_demo         BOOLEAN NOT NULL DEFAULT false,
    import_batch_id INTEGER,
    CHECK ((scale = '1-5' AND rating BETWEEN 1 AND 5) OR (scale = 'good/bad' AND rating IN (0, 1)))
);
INSERT INTO feedback_rebuilt SELECT * FROM feedback ORDER BY id;
DROP TABLE feedback;
ALTER TABLE feedback_rebuilt RENAME TO feedback;
