-- Assignments (issue 12): who must take which module, or sign which policy version, by when
-- and why. Only what someone decided is stored here: publishing a version, an owner assigning
-- the mandatory training, a supervisor assigning a module to an agent. What follows from a
-- staff row or a pass by itself (a new starter's mandatory training, a pass that expired) is
-- worked out when read, in metrics/training/assignments.py, so no way of creating an account
-- can miss it. Whether an assignment is done is read from the attempts and acknowledgements,
-- never stored beside them, so the two cannot disagree.

CREATE SEQUENCE training_assignment_id_seq START 1;
CREATE TABLE training_assignments (
    id             INTEGER PRIMARY KEY DEFAULT nextval('training_assignment_id_seq'),
    staff_id       INTEGER NOT NULL,
    -- A training module's id, or 'policy-acknowledgement': signing the version in force.
    item           VARCHAR NOT NULL CHECK (length(trim(item)) > 0),
    -- The policy version in force when it was assigned (for a publish: the one published).
    policy_version INTEGER NOT NULL,
    due            DATE NOT NULL,
    reason         VARCHAR NOT NULL CHECK (length(trim(reason)) > 0),
    source         VARCHAR NOT NULL CHECK (source IN ('publish', 'owner', 'supervisor')),
    -- The staff member who assigned it; NULL for the command line (the local administrator).
    assigned_by    INTEGER,
    assigned_at    TIMESTAMPTZ NOT NULL,
    -- Due again: only a pass completed after `assigned_at` counts for this module from now on.
    fresh_pass     BOOLEAN NOT NULL
);

-- A minor version keeps every acknowledgement of the version before it: the signature is
-- carried to the new version, saying from which one.
ALTER TABLE policy_acknowledgements ADD COLUMN kept_from_version INTEGER;
