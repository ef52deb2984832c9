-- Names a source writes for an agent that are no person (metrics/contacts/agent_names.py): an
-- Asterisk queue_log names the phone interface that answered (PJSIP/201,
-- Local/2004@from-internal), not who sat at it.

-- The interface a contact was answered at, as the import recognised it (per-call suffixes
-- stripped), for every contact whose agent the source named by an interface; NULL for the rest.
-- A contact with an interface and no agent is "to link": answered, handled by nobody yet.
ALTER TABLE interactions ADD COLUMN agent_interface VARCHAR;

-- A link says once who an interface name of one source is: later imports give its contacts to
-- that person, and linking moved the contacts already stored under it. One link per name.
CREATE TABLE agent_name_links (
    source    VARCHAR NOT NULL,  -- the format whose files write the name (asterisk, generic...)
    name      VARCHAR NOT NULL,  -- as the source writes it, per-call suffixes stripped
    staff_id  INTEGER NOT NULL,
    linked_by VARCHAR NOT NULL,  -- who, in words, as they were when they linked it
    linked_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (source, name)
);

-- A link changes whom stored contacts belong to, so it updates `import_writer` (migration 0007)
-- as an import does: a link and an import at the same moment conflict there, and the one that
-- comes second changes nothing (its `writes` counts links too).
