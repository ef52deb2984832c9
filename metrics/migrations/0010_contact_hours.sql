-- Hourly rollups of the contacts for Team performance's queue-wide reads (team summary, weekly
-- trends, contacts by weekday and hour, the rating distribution), kept exact by
-- metrics/contacts/rollups.py beside contact_days.
--
-- Keyed by the UTC hour of queued_at (a TIMESTAMP holding UTC wall time), queue team and
-- channel; no agent: those reads are over the queue, and an agent key would make about as many
-- rows as contacts. A UTC hour lies inside one local hour in any zone whose offset is a whole
-- number of hours, so local weeks, weekdays and hours, and the local days of a period, are
-- sums of these rows there, across changes of the clocks too (metrics/performance/hours.py
-- reads them only then). Independent of the policy: "within the standard" is read from
-- contact_waits and contact_unanswered.
--
-- "answered" is answered_at set (whoever answered: the team summary's "handled"); resolved and
-- the ratings count answered contacts only, as those reads define them; every rating of a
-- contact counts (a customer who rated twice counts twice, as the join to feedback does).
CREATE TABLE contact_hours (
    utc_hour   TIMESTAMP NOT NULL,
    team_id    INTEGER,
    channel    VARCHAR NOT NULL,
    offered    INTEGER NOT NULL,
    answered   INTEGER NOT NULL,
    abandoned  INTEGER NOT NULL,
    resolved   INTEGER NOT NULL,
    rated_1    INTEGER NOT NULL,
    rated_2    INTEGER NOT NULL,
    rated_3    INTEGER NOT NULL,
    rated_4    INTEGER NOT NULL,
    rated_5    INTEGER NOT NULL,
    rated_bad  INTEGER NOT NULL,
    rated_good INTEGER NOT NULL
);

-- A store migrated with contacts in it: built now, as refresh_contact_rollups does.
INSERT INTO contact_hours
WITH rated AS (
    SELECT interaction_id,
           count(*) FILTER (WHERE scale = '1-5' AND rating = 1) AS rated_1,
           count(*) FILTER (WHERE scale = '1-5' AND rating = 2) AS rated_2,
           count(*) FILTER (WHERE scale = '1-5' AND rating = 3) AS rated_3,
           count(*) FILTER (WHERE scale = '1-5' AND rating = 4) AS rated_4,
           count(*) FILTER (WHERE scale = '1-5' AND rating = 5) AS rated_5,
           count(*) FILTER (WHERE scale = 'good/bad' AND rating = 0) AS rated_bad,
           count(*) FILTER (WHERE scale = 'good/bad' AND rating = 1) AS rated_good
    FROM feedback GROUP BY interaction_id
)
SELECT date_trunc('hour', make_timestamp(epoch_us(i.queued_at))) AS utc_hour, i.team_id,
       i.channel, count(*), count(i.answered_at), count(*) FILTER (WHERE i.abandoned),
       count(*) FILTER (WHERE i.answered_at IS NOT NULL AND i.resolved),
       coalesce(sum(r.rated_1) FILTER (WHERE i.answered_at IS NOT NULL), 0),
       coalesce(sum(r.rated_2) FILTER (WHERE i.answered_at IS NOT NULL), 0),
       coalesce(sum(r.rated_3) FILTER (WHERE i.answered_at IS NOT NULL), 0),
       coalesce(sum(r.rated_4) FILTER (WHERE i.answered_at IS NOT NULL), 0),
       coalesce(sum(r.rated_5) FILTER (WHERE i.answered_at IS NOT NULL), 0),
       coalesce(sum(r.rated_bad) FILTER (WHERE i.answered_at IS NOT NULL), 0),
       coalesce(sum(r.rated_good) FILTER (WHERE i.answered_at IS NOT NULL), 0)
FROM interactions i LEFT JOIN rated r ON r.interaction_id = i.id
GROUP BY ALL
ORDER BY utc_hour;

-- contact_waits, one row per answered contact, also says whether the contact was resolved and
-- how it was rated (how many ratings, how many good), so that an agent's weekly numbers
-- (metrics/performance/trends.py agent_weekly_trends) are read from it alone, by local week in
-- any zone. Built again (it has no contact id to update by), in (agent_id, wait_s) order.
CREATE TABLE contact_waits_rebuilt (
    queued_at    TIMESTAMPTZ NOT NULL,
    agent_id     INTEGER,
    team_id      INTEGER,
    channel      VARCHAR NOT NULL,
    wait_s       DOUBLE NOT NULL,
    resolved     BOOLEAN NOT NULL,
    ratings      INTEGER NOT NULL,
    good_ratings INTEGER NOT NULL
);
INSERT INTO contact_waits_rebuilt
WITH rated AS (
    SELECT interaction_id, count(*) AS ratings,
           count(*) FILTER (WHERE (scale = '1-5' AND rating >= 4)
               OR (scale = 'good/bad' AND rating = 1)) AS good_ratings
    FROM feedback GROUP BY interaction_id
)
SELECT i.queued_at, i.agent_id, i.team_id, i.channel,
       epoch(i.answered_at) - epoch(i.queued_at) AS wait_s, i.resolved,
       coalesce(r.ratings, 0), coalesce(r.good_ratings, 0)
FROM interactions i LEFT JOIN rated r ON r.interaction_id = i.id
WHERE i.answered_at IS NOT NULL
ORDER BY i.agent_id, wait_s;
DROP TABLE contact_waits;
ALTER TABLE contact_waits_rebuilt RENAME TO contact_waits;
