-- Pre-aggregated contacts for the agent report, kept exact by metrics/rollups.py.
-- Both tables depend on stored data only, never on the policy: days are UTC days (a report
-- period is local days, so its first and last hours are read from interactions) and the
-- answer standards are applied when reading `contact_waits`. A policy change needs no rebuild.

-- Additive counts per UTC day (of queued_at), agent, queue team and channel. "handled" means
-- answered by an agent; the handled-only counts (resolved, first-contact resolved, ratings)
-- follow the definitions in metrics/performance.py. first_contact_resolved reads
-- interactions.case_contacts, so the days of every contact whose count changes are recounted.
CREATE TABLE contact_days (
    day                    DATE NOT NULL,
    agent_id               INTEGER,
    team_id                INTEGER,
    channel                VARCHAR NOT NULL,
    offered                INTEGER NOT NULL,
    answered               INTEGER NOT NULL,
    abandoned              INTEGER NOT NULL,
    handled                INTEGER NOT NULL,
    resolved               INTEGER NOT NULL,
    first_contact_resolved INTEGER NOT NULL,
    ratings                INTEGER NOT NULL,
    good_ratings           INTEGER NOT NULL,
    ratings_1_5            INTEGER NOT NULL,
    rating_1_5_sum         INTEGER NOT NULL
);

-- One row per answered contact: its wait exactly as the metrics compute it, for the wait
-- quantiles (which no sum can give) and for "within the standard" under any policy. Rows are
-- written in (agent_id, wait_s) order: quantile_cont per agent over rows already in order
-- takes about two thirds of the time it takes over rows in queue order.
CREATE TABLE contact_waits (
    queued_at TIMESTAMPTZ NOT NULL,
    agent_id  INTEGER,
    team_id   INTEGER,
    channel   VARCHAR NOT NULL,
    wait_s    DOUBLE NOT NULL
);

-- UTC days whose rows above must be computed again: marked by metrics.case_contacts when
-- contacts are written or about to be deleted, emptied by refresh_contact_rollups. While any
-- day is pending the metrics read interactions instead (exact, slower).
CREATE TABLE contact_days_pending (day DATE NOT NULL);

-- A store migrated with contacts in it: both tables built now, as refresh_contact_rollups does
-- (case sizes counted on the spot, so this holds whether or not case_contacts is filled in).
INSERT INTO contact_days
WITH rated AS (
    SELECT interaction_id, count(*) AS ratings,
           count(*) FILTER (WHERE (scale = '1-5' AND rating >= 4)
               OR (scale = 'good/bad' AND rating = 1)) AS good_ratings,
           count(*) FILTER (WHERE scale = '1-5') AS ratings_1_5,
           coalesce(sum(rating) FILTER (WHERE scale = '1-5'), 0) AS rating_1_5_sum
    FROM feedback GROUP BY interaction_id
),
contact AS (
    SELECT CAST(timezone('UTC', i.queued_at) AS DATE) AS day, i.agent_id, i.team_id,
           i.channel, i.answered_at IS NOT NULL AS answered, i.abandoned, i.resolved,
           i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL AS handled,
           -- counted here rather than read from case_contacts (the definition's own count)
           CASE WHEN i.case_id IS NULL THEN 1
                ELSE count(*) OVER (PARTITION BY i.source, i.case_id) END AS case_contacts,
           r.ratings, r.good_ratings, r.ratings_1_5, r.rating_1_5_sum
    FROM interactions i LEFT JOIN rated r ON r.interaction_id = i.id
)
SELECT day, agent_id, team_id, channel,
       count(*), count(*) FILTER (WHERE answered), count(*) FILTER (WHERE abandoned),
       count(*) FILTER (WHERE handled), count(*) FILTER (WHERE handled AND resolved),
       count(*) FILTER (WHERE handled AND resolved AND case_contacts = 1),
       coalesce(sum(ratings) FILTER (WHERE handled), 0),
       coalesce(sum(good_ratings) FILTER (WHERE handled), 0),
       coalesce(sum(ratings_1_5) FILTER (WHERE handled), 0),
       coalesce(sum(rating_1_5_sum) FILTER (WHERE handled), 0)
FROM contact
GROUP BY day, agent_id, team_id, channel
ORDER BY agent_id, day;

INSERT INTO contact_waits
SELECT queued_at, agent_id, team_id, channel, epoch(answered_at) - epoch(queued_at) AS wait_s
FROM interactions WHERE answered_at IS NOT NULL
ORDER BY agent_id, wait_s;
