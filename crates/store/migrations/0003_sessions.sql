-- Console sessions: a browser signs in with a token and gets a cookie. Only
-- the SHA-256 of the cookie's secret is kept; a session ends when it
-- expires, when it is revoked (sign-out), or when its token is deleted.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    token_id   TEXT NOT NULL REFERENCES tokens (id),
    -- The anti-forgery token every state-changing form of the session carries.
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX sessions_token ON sessions (token_id);
