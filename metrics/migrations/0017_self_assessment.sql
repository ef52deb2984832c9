-- The service self-assessment (issue 13, item 9): rounds an owner opens, the owner's answers,
-- and staff's anonymous answers, kept over time.
--
-- Anonymity is in the shape of the tables. Who answered a round (`self_assessment_participants`,
-- one row per person, which also lets each person answer only once) and what was answered
-- (`self_assessment_answers`) share nothing but the round: an answer set is named by a random
-- UUID, and neither table keeps a time at which a person answered, so no answer can be traced
-- to a person by its id, its time or a sequence number. The owner's own answers are the one
-- answer set a round names (`owner_response`): they are the owner's view, not anonymous.

CREATE SEQUENCE self_assessment_round_id_seq START 1;
CREATE TABLE self_assessment_rounds (
    id             INTEGER PRIMARY KEY DEFAULT nextval('self_assessment_round_id_seq'),
    opened_by      INTEGER NOT NULL,  -- the owner whose view the round holds
    opened_at      TIMESTAMPTZ NOT NULL,
    staff_asked    BOOLEAN NOT NULL,  -- supervisors and agents are asked to answer too
    owner_response UUID,              -- the owner's answer set, once answered
    closed_at      TIMESTAMPTZ,
    closed_by      INTEGER
);

CREATE TABLE self_assessment_participants (
    round_id INTEGER NOT NULL,
    staff_id INTEGER NOT NULL,
    PRIMARY KEY (round_id, staff_id)
);

CREATE TABLE self_assessment_answers (
    round_id  INTEGER NOT NULL,
    response  UUID NOT NULL,
    statement VARCHAR NOT NULL,  -- a statement id of modules/self_assessment.py
    rating    INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    PRIMARY KEY (response, statement)
);
