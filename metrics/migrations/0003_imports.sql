-- Imports of contacts from helpdesk exports and call logs (metrics/importing.py).
-- Every import of a file is a batch: what was read, what was loaded, refused and skipped, by whom,
-- and every refused row with the reason. Contacts and ratings carry their batch, so a whole
-- import can be removed again; the batch row stays, marked removed, as the record of what
-- happened. A dry run writes none of this.

CREATE SEQUENCE import_batch_id_seq START 1;
CREATE TABLE import_batches (
    id             INTEGER PRIMARY KEY DEFAULT nextval('import_batch_id_seq'),
    file_name      VARCHAR NOT NULL,
    checksum       VARCHAR NOT NULL,  -- SHA-256 of the file's bytes: the same file seen again
    format         VARCHAR NOT NULL CHECK (format IN ('generic', 'zendesk', 'freshdesk', 'asterisk')),
    source         VARCHAR NOT NULL,  -- interactions.source of the rows it loaded
    rows_read      INTEGER NOT NULL CHECK (rows_read >= 0),
    loaded         INTEGER NOT NULL CHECK (loaded >= 0),
    rejected       INTEGER NOT NULL CHECK (rejected >= 0),
    duplicates     INTEGER NOT NULL CHECK (duplicates >= 0),
    new_agents     VARCHAR[] NOT NULL,  -- staff created for agents the store did not know
    new_teams      VARCHAR[] NOT NULL,
    imported_by_id INTEGER,  -- the staff member; NULL from the command line
    imported_by    VARCHAR NOT NULL,  -- who, in words, as they were when they imported
    imported_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    removed_at     TIMESTAMPTZ,
    removed_by     VARCHAR,
    CHECK (rows_read = loaded + rejected + duplicates),
    CHECK ((removed_at IS NULL) = (removed_by IS NULL))
);

-- One line per problem found: a row refused for two reasons has two lines.
CREATE TABLE import_rejects (
    batch_id    INTEGER NOT NULL,
    row_number  INTEGER NOT NULL,  -- the row in the file (CSV: the header is row 1)
    external_id VARCHAR,  -- the contact's id as the file gave it, to find the row by
    field       VARCHAR NOT NULL,  -- the file's own column name
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);

-- The batch that loaded a contact or rating (NULL for demo and hand-made rows); the content
-- hash of an imported contact as the file gave it, so that re-reading the same row is a
-- duplicate and the same id with other content a conflict; and Zendesk's count of reopens
-- (NULL when the source does not say).
ALTER TABLE interactions ADD COLUMN import_batch_id INTEGER;
ALTER TABLE interactions ADD COLUMN content_hash UHUGEINT;  -- md5 of the row's text, as a number
ALTER TABLE interactions ADD COLUMN reopens INTEGER;  -- ALTER cannot add a CHECK; the import checks it
ALTER TABLE feedback ADD COLUMN import_batch_id INTEGER;
