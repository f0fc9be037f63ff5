-- A token's lifecycle: a label to tell tokens apart, an optional expiry, the
-- last time it was used, and revocation. A revoked or expired token (and
-- every console session made from it) is refused.
ALTER TABLE tokens ADD COLUMN label TEXT;
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
