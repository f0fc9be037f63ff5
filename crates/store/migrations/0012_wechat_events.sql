-- WeChat's pushes: each nonce is kept a while so a replayed push is refused,
-- and each code-review result is kept on every applicant of its appid.
CREATE TABLE wechat_nonces (
    nonce   TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);
CREATE INDEX wechat_nonces_age ON wechat_nonces (seen_at);

CREATE TABLE wechat_events (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    applicant_id TEXT NOT NULL,
    appid        TEXT NOT NULL,
    -- weapp_audit_success, weapp_audit_fail or weapp_audit_delay.
    event        TEXT NOT NULL,
    reason       TEXT,
    -- The category the reason names (`first/second`), when it names one.
    category     TEXT,
    -- When WeChat says it happened (RFC 3339 UTC), and when it arrived.
    happened_at  TEXT,
    received_at  TEXT NOT NULL
);
CREATE INDEX wechat_events_applicant ON wechat_events (tenant_id, applicant_id, received_at);
