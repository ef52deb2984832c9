-- Reserved for the migration another branch adds as 0006 (sign-in sessions, auth10): this file
-- only keeps the numbers without a gap on this branch. Replace it with that migration at merge;
-- it changes nothing.
SELECT 1;
