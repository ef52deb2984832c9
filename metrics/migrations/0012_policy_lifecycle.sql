-- Policy versions live in the store (metrics/organisation.py): each version's full text, its
-- status and its kind. The version in force is the newest published one; the policy file on
-- disk is only how a new store starts and how a version is exported.
--   draft      saved and validated, seen by owners only
--   pilot      read and commented on by a pilot group before publishing
--   published  in force (one at a time); the training quotes it and the dashboard judges by it
--   retired    published once, replaced by a later version
-- A minor version (a typo, a clearer sentence) keeps acknowledgements; a major one asks everyone
-- to acknowledge it again.
CREATE TABLE policy_versions_kept (
    version        INTEGER PRIMARY KEY,
    title          VARCHAR NOT NULL,
    effective_from DATE NOT NULL,
    checksum       VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    content        VARCHAR NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    status         VARCHAR NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'pilot', 'published', 'retired')),
    kind           VARCHAR NOT NULL DEFAULT 'major' CHECK (kind IN ('major', 'minor')),
    published_at   TIMESTAMPTZ,
    created_by     INTEGER,  -- staff id; NULL for the policy file a new store started from
    CHECK ((status IN ('published', 'retired')) = (published_at IS NOT NULL))
);

-- Versions recorded before this migration were each in force from when they were first seen:
-- the newest is the one in force, the others were replaced.
INSERT INTO policy_versions_kept
SELECT version, title, effective_from, checksum, source_file, content, recorded_at,
       CASE WHEN version = max(version) OVER () THEN 'published' ELSE 'retired' END,
       'major', recorded_at, NULL
FROM policy_versions;

DROP TABLE policy_versions;
ALTER TABLE policy_versions_kept RENAME TO policy_versions;

-- An acknowledgement recorded on someone's behalf (a paper signature at the rollout session):
-- who recorded it, in words as they were then, and the note they wrote. NULL when the person
-- signed in the app themselves.
ALTER TABLE policy_acknowledgements ADD COLUMN recorded_by INTEGER;
ALTER TABLE policy_acknowledgements ADD COLUMN recorded_by_name VARCHAR;
ALTER TABLE policy_acknowledgements ADD COLUMN note VARCHAR;
