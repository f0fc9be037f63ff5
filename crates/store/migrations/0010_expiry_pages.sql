-- The expiry watch pages by (valid_until, id), for one tenant or for all:
-- each page is one range of one of these indexes, however deep.
CREATE INDEX documents_expiry_page ON documents (tenant_id, valid_until, id);
CREATE INDEX documents_expiry_all ON documents (valid_until, id);
DROP INDEX documents_expiry;
