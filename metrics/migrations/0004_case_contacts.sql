-- How many stored contacts share each contact's case: a count kept on every contact so that
-- first-contact resolution ("the case has exactly one contact among all stored contacts") is a
-- column read, not an aggregation over every contact ever stored on each report. A case is
-- (source, case_id); a contact without a case id is its own case and counts 1.
-- NULL means "not counted yet": every writer of interactions calls
-- metrics.case_contacts.refresh_case_contacts in the same transaction; while any count is NULL
-- the metrics count cases on the spot instead of reading the stored counts.

ALTER TABLE interactions ADD COLUMN case_contacts INTEGER;

UPDATE interactions AS i SET case_contacts = c.contacts
FROM (
    SELECT source, case_id, count(*)::INTEGER AS contacts
    FROM interactions WHERE case_id IS NOT NULL
    GROUP BY source, case_id
) AS c
WHERE i.source = c.source AND i.case_id = c.case_id;

UPDATE interactions SET case_contacts = 1 WHERE case_id IS NULL;
