-- Imports of complaint registers kept elsewhere (`academy import FILE --format complaints`,
-- metrics/complaints/imports.py), kept like contact imports (0003): every import of a file is a
-- batch with what was read, loaded, refused and skipped, by whom, and every refused row with
-- the reason. Its own tables, as `import_batches` admits only the contact formats; its ids come
-- from the same sequence, so "import #7" names one import of either kind.

CREATE TABLE complaint_import_batches (
    id             INTEGER PRIMARY KEY DEFAULT nextval('import_batch_id_seq'),
    file_name      VARCHAR NOT NULL,
    checksum       VARCHAR NOT NULL,  -- SHA-256 of the file's bytes
    timezone       VARCHAR NOT NULL,  -- how times written without an offset were read
    rows_read      INTEGER NOT NULL CHECK (rows_read >= 0),
    loaded         INTEGER NOT NULL CHECK (loaded >= 0),
    rejected       INTEGER NOT NULL CHECK (rejected >= 0),
    duplicates     INTEGER NOT NULL CHECK (duplicates >= 0),
    imported_by_id INTEGER,  -- the staff member; NULL from the command line
    imported_by    VARCHAR NOT NULL,  -- who, in words, as they were when they imported
    imported_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    CHECK (rows_read = loaded + rejected + duplicates)
);

-- One line per problem found: a row refused for two reasons has two lines.
CREATE TABLE complaint_import_rejects (
    batch_id    INTEGER NOT NULL,
    row_number  INTEGER NOT NULL,  -- the row in the file (the header is row 1)
    external_id VARCHAR,  -- the file's complaint_id, to find the row by
    field       VARCHAR NOT NULL,  -- the file's own column name
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);

-- The digest of an imported complaint's row as the file gave it: reading the same row again is
-- a duplicate, the same complaint_id with other content a conflict (NULL: not imported).
ALTER TABLE complaints ADD COLUMN content_hash UHUGEINT;
