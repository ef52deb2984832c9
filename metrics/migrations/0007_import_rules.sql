-- What the rules of an import need stored (metrics/contacts/imports.py).

-- The time zone in which the batch read times written without an offset (NULL: imported before
-- it was recorded), and how many of the contacts it loaded replaced a waiting ticket that an
-- earlier export had stored (a subset of `loaded`).
ALTER TABLE import_batches ADD COLUMN timezone VARCHAR;
ALTER TABLE import_batches ADD COLUMN updated INTEGER DEFAULT 0;

-- `interactions` is built again, for two changes:
-- * A ticket nobody has answered yet is *waiting*, not abandoned (metrics/contacts/waiting.py):
--   `seen_unanswered_at` is the moment it was last seen unanswered (the latest time in the export
--   that brought it), so that "its channel's standard had passed by then" is exact. NULL for
--   every other contact.
-- * No UNIQUE (source, external_id) index any more. DuckDB holds a transaction's unique index in
--   memory, where it cannot spill: a single 10M-row import needed more than the command line's
--   memory cap for it alone. The natural key stays unique as before, by the import, which
--   compares every row with the stored contacts set-wise inside its write transaction, and by
--   `import_writer` below, which lets one import write at a time (metrics/contacts/imports.py).
--   The demo writes its own source, with its own ids.
-- DuckDB cannot drop a constraint, hence the copy. The columns keep their order and ids.
CREATE TABLE interactions_rebuilt (
    id                 BIGINT PRIMARY KEY DEFAULT nextval('interaction_id_seq'),
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
    CHECK (answered_at IS NULL OR answered_at >= queued_at),
    CHECK (resolved_at IS NULL OR resolved_at >= queued_at),
    CHECK (NOT (abandoned AND answered_at IS NOT NULL))
);
INSERT INTO interactions_rebuilt
SELECT id, source, external_id, channel, agent_id, team_id, case_id, queued_at, answered_at,
       resolved_at, abandoned, resolved, category, is_demo, import_batch_id, content_hash,
       reopens, case_contacts, NULL
FROM interactions ORDER BY id;
DROP TABLE interactions;
ALTER TABLE interactions_rebuilt RENAME TO interactions;

-- One row that every import updates first in its write transaction: a second import writing at
-- the same moment conflicts on it (DuckDB: "Conflict on update") and stores nothing, so two
-- imports never both load the same contact. `writes` counts the imports written.
CREATE TABLE import_writer (writes BIGINT NOT NULL);
INSERT INTO import_writer VALUES (0);

-- One row per waiting-or-missed contact (unanswered, not abandoned, seen so at some moment):
-- how long it had waited by then. Like contact_waits, independent of the policy: whether it is
-- still within its standard is decided when reading. Kept by metrics/contacts/rollups.py.
CREATE TABLE contact_unanswered (
    queued_at    TIMESTAMPTZ NOT NULL,
    agent_id     INTEGER,
    team_id      INTEGER,
    channel      VARCHAR NOT NULL,
    unanswered_s DOUBLE NOT NULL
);

-- Zendesk and Freshdesk tickets stored before this counted a ticket with no reply as abandoned.
-- They become waiting tickets, seen unanswered at the latest time their import held (the
-- closest to their export that is stored), and their days are counted again by the next writer
-- (until then the metrics read the contacts themselves, exact).
UPDATE interactions AS i SET abandoned = false, seen_unanswered_at = b.seen
FROM (
    SELECT import_batch_id,
           max(greatest(queued_at, answered_at, resolved_at)) AS seen
    FROM interactions
    WHERE source IN ('zendesk', 'freshdesk') AND import_batch_id IS NOT NULL
    GROUP BY import_batch_id
) AS b
WHERE i.import_batch_id = b.import_batch_id AND i.abandoned AND i.answered_at IS NULL;

INSERT INTO contact_days_pending
SELECT DISTINCT CAST(timezone('UTC', queued_at) AS DATE) FROM interactions
WHERE seen_unanswered_at IS NOT NULL
EXCEPT SELECT day FROM contact_days_pending;

-- Problems that refused nothing (a rating that cannot be read: the contact loads without it),
-- kept with the batch like its rejects, one line each, and counted in the batch.
ALTER TABLE import_batches ADD COLUMN warnings INTEGER DEFAULT 0;
CREATE TABLE import_warnings (
    batch_id    INTEGER NOT NULL,
    row_number  INTEGER NOT NULL,
    external_id VARCHAR,
    field       VARCHAR NOT NULL,
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);
