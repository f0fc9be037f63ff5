-- Uploaded scans kept in the database (when the service is configured to),
-- so API replicas share nothing but the database. Content-addressed: the key
-- is the SHA-256 of the bytes. BYTEA is PostgreSQL's binary type; SQLite
-- stores the bound blob as it is under any declared type.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    bytes      BYTEA NOT NULL,
    created_at TEXT NOT NULL
);
