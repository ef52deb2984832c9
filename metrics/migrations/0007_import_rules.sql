-- What the rules of an import need stored (metrics/contacts/imports.py).

-- The time zone in which the batch read times written without an offset (NULL: imported before
-- it was recorded), and how many of the contacts it loaded replaced a waiting ticket that an
-- earlier export had stored (a subset of `loaded`).
ALTER TABLE import_batches ADD COLUMN timezone VARCHAR;
ALTER TABLE import_batches ADD COLUMN updated INTEGER DEFAULT 0;

-- A ticket nobody has answered yet is *waiting*, not abandoned (metrics/contacts/waiting.py):
-- the moment it was last seen unanswered (the latest time in the export that brought it), so
-- that "its channel's standard had passed by then" is exact. NULL for every other contact.
ALTER TABLE interactions ADD COLUMN seen_unanswered_at TIMESTAMPTZ;

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
