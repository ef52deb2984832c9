-- The pilot of a policy version (issue 12): a draft is tried by a chosen group of staff, who
-- read it in the app and comment on each section; the owner reads the comments beside the
-- sections before publishing. The group is the people chosen (a team is resolved to its active
-- members when the pilot starts), so a later move between teams does not change who piloted.
CREATE TABLE policy_pilot_members (
    policy_version INTEGER NOT NULL,
    staff_id       INTEGER NOT NULL,
    added_by       INTEGER NOT NULL,
    added_at       TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (policy_version, staff_id)
);

-- `section_key` is a key of modules/policy_diff.py's POLICY_SECTIONS ("standards"), stable
-- across versions. A comment is kept even after its author leaves the group.
CREATE SEQUENCE policy_pilot_comment_id_seq START 1;
CREATE TABLE policy_pilot_comments (
    id             INTEGER PRIMARY KEY DEFAULT nextval('policy_pilot_comment_id_seq'),
    policy_version INTEGER NOT NULL,
    section_key    VARCHAR NOT NULL,
    staff_id       INTEGER NOT NULL,
    comment        VARCHAR NOT NULL CHECK (length(trim(comment)) > 0),
    commented_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

