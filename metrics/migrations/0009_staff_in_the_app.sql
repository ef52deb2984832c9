-- Staff managed in the app (issue 11): an owner or supervisor who sets or resets someone's
-- password gives a temporary one, and the person chooses their own at their next sign-in before
-- anything else. Decided on the server from this flag, never by the browser.
ALTER TABLE staff ADD COLUMN must_choose_password BOOLEAN NOT NULL DEFAULT false;
