-- The review loop: where each document came from (typed by staff, or
-- uploaded by the merchant through a link), and a person's review of it.
-- A document is `submitted` until an editor marks it `verified` or
-- `rejected` (with a reason); any change to it makes it `submitted` again.
ALTER TABLE documents ADD COLUMN source TEXT NOT NULL DEFAULT 'typed';
ALTER TABLE documents ADD COLUMN review TEXT NOT NULL DEFAULT 'submitted';
ALTER TABLE documents ADD COLUMN review_reason TEXT;
ALTER TABLE documents ADD COLUMN reviewed_by TEXT;
ALTER TABLE documents ADD COLUMN reviewed_at TEXT;
ALTER TABLE deleted_documents ADD COLUMN source TEXT NOT NULL DEFAULT 'typed';
ALTER TABLE deleted_documents ADD COLUMN review TEXT NOT NULL DEFAULT 'submitted';
ALTER TABLE deleted_documents ADD COLUMN review_reason TEXT;
ALTER TABLE deleted_documents ADD COLUMN reviewed_by TEXT;
ALTER TABLE deleted_documents ADD COLUMN reviewed_at TEXT;
-- The review queue: a tenant's documents awaiting review, oldest first.
CREATE INDEX documents_review_queue ON documents (tenant_id, review, updated_at, id);

-- Which documents an evaluation counts: `link` (the default) counts a
-- merchant's upload only once verified and a typed document at once; `all`
-- counts only verified documents; `none` counts every document.
ALTER TABLE tenants ADD COLUMN review_policy TEXT NOT NULL DEFAULT 'link';

-- Upload links: a merchant opens /u/{secret} with no account and uploads
-- scans for one applicant. Only the SHA-256 of the secret is kept.
CREATE TABLE upload_links (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    applicant_id TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    note         TEXT,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    created_by   TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX upload_links_applicant ON upload_links (tenant_id, applicant_id, created_at);
