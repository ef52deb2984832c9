-- What the rules of an import need stored (metrics/contacts/imports.py):
-- the time zone in which the batch read times written without an offset.
ALTER TABLE import_batches ADD COLUMN timezone VARCHAR;  -- NULL: imported before it was recorded
