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
    // Several replicas on one database: which replica held an item, which
    // replicas are alive and what policy version each runs, a reload
    // generation every replica follows, and the archive rescan's results
    // (already-published documents, their content hash and the takedown
    // decision).
    (
        3,
        r#"
ALTER TABLE holds ADD COLUMN held_by TEXT;
CREATE TABLE IF NOT EXISTS replicas (
    name TEXT PRIMARY KEY,
    engine_version TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS reload_generation (
    id BIGINT PRIMARY KEY,
    generation BIGINT NOT NULL,
    version TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL
);
INSERT INTO reload_generation (id, generation, version, at, actor) VALUES (1, 0, '', 0, '')
    ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS published (
    id TEXT PRIMARY KEY,
    doc_key TEXT NOT NULL,
    source TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    scanned_at BIGINT NOT NULL,
    action TEXT NOT NULL,
    categories TEXT NOT NULL,
    fingerprints TEXT NOT NULL,
    findings TEXT NOT NULL,
    doc_type TEXT,
    status TEXT NOT NULL,
    decided_by TEXT,
    comment TEXT,
    decided_at BIGINT
);
CREATE INDEX IF NOT EXISTS published_by_status ON published (status, scanned_at, id);
"#,
    ),
    // The public side looks a verdict up by content and policy version.
    (
        4,
        "CREATE INDEX IF NOT EXISTS published_by_content \
         ON published (content_sha256, engine_version);",
    ),
    // A page the public side withheld keeps its content (sealed like a
    // held request's body when a keyring is configured), so the reviewer
    // reads the page itself, not only the masked findings.
    (
        5,
        r#"
ALTER TABLE published ADD COLUMN content {blob};
ALTER TABLE published ADD COLUMN content_type TEXT;
ALTER TABLE published ADD COLUMN content_sealed_with TEXT;
"#,
    ),
    // The queue shows what a notice is (title, project) and how much was
    // found; the submitter reads the outcome with a capability token
    // (its SHA-256 here); a purged item keeps the hash of its body.
    (
        6,
        r#"
ALTER TABLE holds ADD COLUMN title TEXT;
ALTER TABLE holds ADD COLUMN project_name TEXT;
ALTER TABLE holds ADD COLUMN project_code TEXT;
ALTER TABLE holds ADD COLUMN finding_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE holds ADD COLUMN status_token TEXT;
ALTER TABLE holds ADD COLUMN body_sha256 TEXT;
ALTER TABLE holds ADD COLUMN purged_at BIGINT;
CREATE INDEX IF NOT EXISTS holds_by_queue ON holds (queue, status);
"#,
    ),
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
