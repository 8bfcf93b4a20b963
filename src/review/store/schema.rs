//! The store's tables, as numbered migrations that run at start-up.
//!
//! One text serves SQLite and PostgreSQL; the two differences (binary and
//! auto-increment column types) are filled in per backend. A migration is
//! never edited once shipped: a change is a new step.

use super::Backend;

/// `(version, SQL)`; `{blob}` and `{serial}` are replaced per backend.
const STEPS: &[(i64, &str)] = &[
    (
        1,
        r#"
CREATE TABLE IF NOT EXISTS holds (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    queue TEXT NOT NULL,
    categories TEXT NOT NULL,
    submitter TEXT,
    route TEXT NOT NULL,
    method TEXT NOT NULL,
    uri TEXT NOT NULL,
    headers TEXT NOT NULL,
    body {blob} NOT NULL,
    doc_type TEXT,
    findings TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    decided_by TEXT,
    comment TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT NOT NULL DEFAULT 0,
    upstream_status BIGINT,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS holds_by_status ON holds (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS holds_by_created ON holds (created_at, id);
CREATE TABLE IF NOT EXISTS audit (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    hold_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_hold ON audit (hold_id, seq);
CREATE TABLE IF NOT EXISTS audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '') ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS decisions (
    id {serial},
    at BIGINT NOT NULL,
    route TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    verdict TEXT NOT NULL,
    enforced BIGINT NOT NULL,
    doc_type TEXT,
    findings TEXT NOT NULL,
    engine_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
"#,
    ),
    // Encryption at rest: the id of the key that sealed `headers` and
    // `body`, NULL for rows stored in clear.
    (2, "ALTER TABLE holds ADD COLUMN sealed_with TEXT;"),
];

/// The SQL of every step newer than `current`, for `backend`.
pub(super) fn pending(backend: Backend, current: i64) -> Vec<(i64, String)> {
    let (blob, serial) = match backend {
        Backend::Sqlite => ("BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT"),
        Backend::Postgres => ("BYTEA", "BIGSERIAL PRIMARY KEY"),
    };
    STEPS
        .iter()
        .filter(|(v, _)| *v > current)
        .map(|(v, sql)| (*v, sql.replace("{blob}", blob).replace("{serial}", serial)))
        .collect()
}
