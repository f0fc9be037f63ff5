-- Webhooks out. An event is written to the outbox (webhook_events) in the
-- transaction of the change that caused it, so a crash loses none; a worker
-- fans each out to the tenant's endpoints that want it (one delivery per
-- endpoint and event) and delivers them, retrying with growing delays.
CREATE TABLE webhook_endpoints (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    url         TEXT NOT NULL,
    -- The signing secret (whsec_…): kept, since every delivery is signed
    -- with it; answered once, at creation.
    secret      TEXT NOT NULL,
    -- The event types it wants, space-separated.
    events      TEXT NOT NULL,
    description TEXT,
    disabled_at TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, created_at);

CREATE TABLE webhook_events (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    type       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    fanned_at  TEXT
);
CREATE INDEX webhook_events_unfanned ON webhook_events (fanned_at, created_at);

CREATE TABLE webhook_deliveries (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    endpoint_id   TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    -- pending, delivered or dead (gave up after its retries).
    state         TEXT NOT NULL,
    attempts      BIGINT NOT NULL,
    -- When it is next due; while a worker sends it, a lease past now.
    next_at       TEXT NOT NULL,
    last_status   BIGINT,
    last_response TEXT,
    last_at       TEXT,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (endpoint_id, event_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, created_at);
