-- The daily expiry sweep raises document.expiring 30, 7 and 1 days before a
-- document's valid_until, once per document, window and day: a sweep that
-- runs again (another replica, a restart) finds the notice and raises none.
CREATE TABLE expiry_notices (
    document_id TEXT NOT NULL,
    days        BIGINT NOT NULL,
    valid_until TEXT NOT NULL,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    raised_at   TEXT NOT NULL,
    PRIMARY KEY (document_id, days, valid_until)
);
CREATE INDEX expiry_notices_tenant ON expiry_notices (tenant_id);
