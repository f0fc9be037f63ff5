-- What the console lists and filters without reading every report: each
-- applicant's latest evaluation in brief, kept in step by the transaction
-- that records an evaluation; and which applicant an audit entry concerns,
-- so an applicant's trail includes its deleted documents.
ALTER TABLE applicants ADD COLUMN last_verdict TEXT;
ALTER TABLE applicants ADD COLUMN last_evaluated_at TEXT;
-- `,path=status,path=status,` (commas at both ends, for LIKE '%,p=s,%').
ALTER TABLE applicants ADD COLUMN last_paths TEXT;
-- `,document,document,`: the documents the plan's path still misses.
ALTER TABLE applicants ADD COLUMN last_missing TEXT;
-- `,category,category,`: the ruleset categories the profile names.
ALTER TABLE applicants ADD COLUMN categories_index TEXT;
-- Each evaluation's paths in brief (`{"paths": [{"id", "status",
-- "missing_documents"}]}`), so a timeline of 100 evaluations reads a few KiB
-- rather than 100 whole reports.
ALTER TABLE evaluations ADD COLUMN brief TEXT;
ALTER TABLE audit ADD COLUMN applicant_id TEXT;
CREATE INDEX audit_applicant ON audit (tenant_id, applicant_id, id);
