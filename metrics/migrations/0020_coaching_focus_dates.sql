-- The dates a plan's focus metrics were read over (issue 14, item 1): the dates the supervisor
-- was looking at when they opened it, or the last four weeks. The plan says which, so the
-- snapshot in coaching_plan_focus can be read for what it is.
ALTER TABLE coaching_plans ADD COLUMN focus_from DATE;
ALTER TABLE coaching_plans ADD COLUMN focus_to DATE;
