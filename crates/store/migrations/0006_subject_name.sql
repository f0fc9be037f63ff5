-- The subject's name (主体名称) from the profile, so the console can show and
-- search a mini program by its company when it has no name of its own.
-- NULL until written: rows from before this migration are filled in once on
-- start (the profile is JSON text, which the two backends read differently).
ALTER TABLE applicants ADD COLUMN subject_name TEXT;
