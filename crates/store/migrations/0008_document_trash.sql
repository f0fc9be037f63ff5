-- Deleted documents, kept for a while so a deletion can be undone (撤销).
-- A row moves here from `documents` in the deleting transaction and back on
-- undo; once its undo window has passed it is purged and its scan released.
-- Its scan stays referenced while the row is here: the sweeps count it.
CREATE TABLE deleted_documents (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    applicant_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    valid_until  TEXT,
    body         TEXT NOT NULL,
    file_sha256  TEXT,
    file_name    TEXT,
    file_type    TEXT,
    file_size    BIGINT,
    version      BIGINT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    deleted_at   TEXT NOT NULL,
    deleted_by   TEXT
);
CREATE INDEX deleted_documents_applicant ON deleted_documents (tenant_id, applicant_id, deleted_at);
CREATE INDEX deleted_documents_age ON deleted_documents (deleted_at);
CREATE INDEX deleted_documents_file ON deleted_documents (file_sha256);
