-- The applicants list sorts names as Chinese readers expect (拼音排序):
-- the name a person reads (its own, else the subject's, else the AppID)
-- in pinyin, written by the application. NULL until written: rows from
-- before this migration are filled in once on start.
ALTER TABLE applicants ADD COLUMN sort_name TEXT;
CREATE INDEX applicants_sort_name ON applicants (tenant_id, sort_name, id);
