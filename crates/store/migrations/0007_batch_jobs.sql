-- The console's batch jobs: what each is and how far it got, so that a
-- stop or a crash leaves a job marked interrupted (and re-runnable) rather
-- than "running" forever. The job's files (input, records, summary) stay
-- in the data directory; `heartbeat_at` is renewed while a job runs, and a
-- job whose heartbeat is old belongs to a process that is gone.
CREATE TABLE batch_jobs (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    file_name    TEXT NOT NULL,
    csv          BIGINT NOT NULL,
    created_at   TEXT NOT NULL,
    state        TEXT NOT NULL
        CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),
    lines        BIGINT,
    records      BIGINT NOT NULL DEFAULT 0,
    errors       BIGINT NOT NULL DEFAULT 0,
    -- JSON: {"verdicts": [n, n, n, n], "missing": [["document", n], …]}
    summary      TEXT,
    failure      TEXT,
    heartbeat_at TEXT NOT NULL
);
CREATE INDEX batch_jobs_by_tenant ON batch_jobs (tenant_id, id);
CREATE INDEX batch_jobs_by_state ON batch_jobs (state, heartbeat_at);
