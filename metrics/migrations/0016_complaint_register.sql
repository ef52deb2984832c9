-- The complaint register (issue 13, metrics/complaints/register.py): every complaint as the
-- policy asks it to be recorded, the promise made, the follow-up, the compensation and its
-- approval. Recorded in the app (`source` 'app', no `external_id`) or imported from a register
-- kept elsewhere (`source` + `external_id` is the natural key: re-importing a row is a no-op).
--
-- The customer's name and contact details are personal data: they sit in their own columns so
-- that erasing them (after the policy's retention period, or on the customer's request) leaves
-- the anonymised record for the numbers. `details_erased_at` says when they were erased.

CREATE SEQUENCE complaint_id_seq START 1;
CREATE TABLE complaints (
    id                     INTEGER PRIMARY KEY DEFAULT nextval('complaint_id_seq'),
    source                 VARCHAR NOT NULL DEFAULT 'app',
    external_id            VARCHAR,  -- the imported register's complaint_id; NULL in the app
    import_batch_id        INTEGER,
    -- The staff member who received it, the team it belongs to (theirs when it was received),
    -- whoever handles it now (the receiver unless handed over) and who typed it in (NULL: the
    -- command line's import).
    received_by            INTEGER NOT NULL,
    received_at            TIMESTAMPTZ NOT NULL,
    team_id                INTEGER,
    handled_by             INTEGER NOT NULL,
    recorded_by            INTEGER,
    recorded_at            TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    channel                VARCHAR NOT NULL CHECK (channel IN ('phone', 'chat', 'email', 'social')),
    interaction_id         BIGINT,  -- the contact it came from, when known
    customer_name          VARCHAR,
    customer_phone         VARCHAR,
    customer_email         VARCHAR,
    customer_address       VARCHAR,
    details_erased_at      TIMESTAMPTZ,
    -- One of the policy's complaint categories (`complaints.categories[].id`), or 'other' with
    -- the words the receiver chose in `category_other`.
    category               VARCHAR NOT NULL CHECK (length(trim(category)) > 0),
    category_other         VARCHAR,
    description            VARCHAR,  -- what the customer said
    resolution             VARCHAR,  -- the agreed resolution
    resolved_on_the_spot   BOOLEAN NOT NULL DEFAULT false,
    promised_by            DATE,     -- local date by which the resolution was promised
    steps                  VARCHAR,  -- the steps being taken
    -- The policy's complaint-handling steps (their ids) the receiver ticked off.
    handling_steps_done    VARCHAR[] NOT NULL DEFAULT [],
    -- Local date; the follow-up is due by the end of that day in the policy's time zone.
    follow_up_due          DATE NOT NULL,
    resolved_at            TIMESTAMPTZ,
    followed_up_at         TIMESTAMPTZ,
    customer_satisfied     BOOLEAN,
    prevention             VARCHAR,  -- a suggestion for preventing it
    -- Compensation: one of the policy's options (`compensation.options[].id`) and its amount in
    -- the policy's currency. Within the receiver's own limit it is 'granted' at once; above it,
    -- it waits for the named approver ('awaiting_approval') who decides it ('approved' or
    -- 'refused', with who, when and why).
    compensation_kind      VARCHAR,
    compensation_amount    DECIMAL(12, 2) CHECK (compensation_amount IS NULL OR compensation_amount >= 0),
    compensation_status    VARCHAR CHECK (compensation_status IN
                               ('granted', 'awaiting_approval', 'approved', 'refused')),
    compensation_approver  INTEGER,  -- the approver named by the receiver
    compensation_decided_by INTEGER,
    compensation_decided_at TIMESTAMPTZ,
    compensation_decision_reason VARCHAR,
    is_demo                BOOLEAN NOT NULL DEFAULT false,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    UNIQUE (source, external_id),
    CHECK ((source = 'app') = (external_id IS NULL)),
    CHECK ((category = 'other') = (category_other IS NOT NULL)),
    CHECK ((compensation_kind IS NULL) = (compensation_amount IS NULL)),
    CHECK ((compensation_kind IS NULL) = (compensation_status IS NULL)),
    CHECK (NOT resolved_on_the_spot OR resolved_at IS NOT NULL),
    CHECK (customer_satisfied IS NULL OR followed_up_at IS NOT NULL),
    CHECK ((compensation_status IN ('approved', 'refused'))
           = (compensation_decided_by IS NOT NULL AND compensation_decided_at IS NOT NULL))
);

-- Every erasure of customers' details: who (NULL: the retention rule, run by the app or the
-- command line), when, why and which complaints. The details themselves are never kept here.
CREATE SEQUENCE complaint_erasure_id_seq START 1;
CREATE TABLE complaint_erasures (
    id            INTEGER PRIMARY KEY DEFAULT nextval('complaint_erasure_id_seq'),
    erased_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    erased_by     INTEGER,
    reason        VARCHAR NOT NULL CHECK (reason IN ('customer_request', 'retention')),
    complaint_ids INTEGER[] NOT NULL
);
