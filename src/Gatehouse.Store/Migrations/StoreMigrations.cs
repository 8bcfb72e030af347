namespace Gatehouse.Store.Migrations;

/// <summary>The store's schema history, oldest first. Add a new migration for every change; never edit one.</summary>
internal static class StoreMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "api_keys",
            Sqlite: """
                CREATE TABLE api_keys (
                    id           TEXT    NOT NULL PRIMARY KEY,
                    identity     TEXT    NOT NULL,
                    roles        TEXT    NOT NULL,
                    secret_hash  BLOB    NOT NULL,
                    created_at   INTEGER NOT NULL,
                    expires_at   INTEGER NULL,
                    revoked_at   INTEGER NULL,
                    last_used_at INTEGER NULL
                );
                """,
            Postgres: """
                CREATE TABLE api_keys (
                    id           TEXT   NOT NULL PRIMARY KEY,
                    identity     TEXT   NOT NULL,
                    roles        TEXT   NOT NULL,
                    secret_hash  BYTEA  NOT NULL,
                    created_at   BIGINT NOT NULL,
                    expires_at   BIGINT NULL,
                    revoked_at   BIGINT NULL,
                    last_used_at BIGINT NULL
                );
                """),

        // The sequence is Gatehouse's, assigned under the serialised transaction, never the database's: the
        // hash chain covers it. Every index slows each append, so there is one per filter an operator reaches
        // for first; the others scan backwards from the newest record (or from the end of a time window). An
        // index ends in the sequence so that "newest first" reads it in order and stops after one page.
        // SQLite writes every page a commit touches to its WAL whole (4 kB), and an index on who called or what
        // they called is touched at one page per distinct caller or tool in the commit: with 64 callers at once,
        // an identity index halved the durable append rate. So SQLite indexes time and decision only, and
        // PostgreSQL, which logs changed rows rather than pages, also identity and target. Those two come from
        // callers and can be long (a resource uri); PostgreSQL refuses an index entry over about 2.7 kB, which
        // would fail a whole group commit, so their indexes hold a prefix and queries compare the rest too.
        new(2, "audit",
            Sqlite: """
                CREATE TABLE audit_records (
                    sequence      INTEGER NOT NULL PRIMARY KEY,
                    time          INTEGER NOT NULL,
                    kind          TEXT    NOT NULL,
                    identity      TEXT    NULL,
                    grant_id      TEXT    NULL,
                    server        TEXT    NULL,
                    session       TEXT    NULL,
                    request_id    TEXT    NULL,
                    method        TEXT    NULL,
                    target        TEXT    NULL,
                    arguments     TEXT    NULL,
                    decision      TEXT    NULL,
                    rule          TEXT    NULL,
                    reason        TEXT    NULL,
                    outcome       TEXT    NULL,
                    latency_us    INTEGER NULL,
                    previous_hash TEXT    NOT NULL,
                    hash          TEXT    NOT NULL
                );
                CREATE INDEX audit_records_time ON audit_records (time);
                CREATE INDEX audit_records_decision ON audit_records (decision, sequence);
                CREATE TABLE audit_checkpoints (
                    sequence      INTEGER NOT NULL PRIMARY KEY,
                    previous_hash TEXT    NOT NULL,
                    created_at    INTEGER NOT NULL,
                    pruned        INTEGER NOT NULL,
                    signature     TEXT    NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE audit_records (
                    sequence      BIGINT NOT NULL PRIMARY KEY,
                    time          BIGINT NOT NULL,
                    kind          TEXT   NOT NULL,
                    identity      TEXT   NULL,
                    grant_id      TEXT   NULL,
                    server        TEXT   NULL,
                    session       TEXT   NULL,
                    request_id    TEXT   NULL,
                    method        TEXT   NULL,
                    target        TEXT   NULL,
                    arguments     TEXT   NULL,
                    decision      TEXT   NULL,
                    rule          TEXT   NULL,
                    reason        TEXT   NULL,
                    outcome       TEXT   NULL,
                    latency_us    BIGINT NULL,
                    previous_hash TEXT   NOT NULL,
                    hash          TEXT   NOT NULL
                );
                CREATE INDEX audit_records_time ON audit_records (time);
                CREATE INDEX audit_records_identity ON audit_records (substr(identity, 1, 256), sequence);
                CREATE INDEX audit_records_target ON audit_records (substr(target, 1, 256), sequence);
                CREATE INDEX audit_records_decision ON audit_records (decision, sequence);
                CREATE TABLE audit_checkpoints (
                    sequence      BIGINT NOT NULL PRIMARY KEY,
                    previous_hash TEXT   NOT NULL,
                    created_at    BIGINT NOT NULL,
                    pruned        BIGINT NOT NULL,
                    signature     TEXT   NOT NULL
                );
                """),

        // One row per held call, and one per approval given, so that two approvers writing at once each add a
        // row rather than rewrite one list. The index serves the expiry sweep and the pending list.
        new(3, "approvals",
            Sqlite: """
                CREATE TABLE approvals (
                    id                 TEXT    NOT NULL PRIMARY KEY,
                    requested_at       INTEGER NOT NULL,
                    expires_at         INTEGER NOT NULL,
                    identity           TEXT    NOT NULL,
                    grant_id           TEXT    NOT NULL,
                    server             TEXT    NOT NULL,
                    session            TEXT    NOT NULL,
                    method             TEXT    NOT NULL,
                    target             TEXT    NOT NULL,
                    arguments          TEXT    NULL,
                    rule               TEXT    NOT NULL,
                    reason             TEXT    NULL,
                    approvers          TEXT    NOT NULL,
                    approvals_required INTEGER NOT NULL,
                    state              TEXT    NOT NULL,
                    decided_by         TEXT    NULL,
                    decided_at         INTEGER NULL,
                    decision_reason    TEXT    NULL,
                    executed_at        INTEGER NULL
                );
                CREATE INDEX approvals_state_expires_at ON approvals (state, expires_at);
                CREATE TABLE approval_votes (
                    approval_id TEXT    NOT NULL REFERENCES approvals (id),
                    approver    TEXT    NOT NULL,
                    at          INTEGER NOT NULL,
                    reason      TEXT    NULL,
                    PRIMARY KEY (approval_id, approver)
                );
                """,
            Postgres: """
                CREATE TABLE approvals (
                    id                 TEXT    NOT NULL PRIMARY KEY,
                    requested_at       BIGINT  NOT NULL,
                    expires_at         BIGINT  NOT NULL,
                    identity           TEXT    NOT NULL,
                    grant_id           TEXT    NOT NULL,
                    server             TEXT    NOT NULL,
                    session            TEXT    NOT NULL,
                    method             TEXT    NOT NULL,
                    target             TEXT    NOT NULL,
                    arguments          TEXT    NULL,
                    rule               TEXT    NOT NULL,
                    reason             TEXT    NULL,
                    approvers          TEXT    NOT NULL,
                    approvals_required INTEGER NOT NULL,
                    state              TEXT    NOT NULL,
                    decided_by         TEXT    NULL,
                    decided_at         BIGINT  NULL,
                    decision_reason    TEXT    NULL,
                    executed_at        BIGINT  NULL
                );
                CREATE INDEX approvals_state_expires_at ON approvals (state, expires_at);
                CREATE TABLE approval_votes (
                    approval_id TEXT    NOT NULL REFERENCES approvals (id),
                    approver    TEXT    NOT NULL,
                    at          BIGINT  NOT NULL,
                    reason      TEXT    NULL,
                    PRIMARY KEY (approval_id, approver)
                );
                """),

        // The catalog: every definition ever listed (history), what each server lists now, and the definition of
        // each tool that is let through. Separate tables, so that a listing rewrites only the small current set.
        new(4, "catalog",
            Sqlite: """
                CREATE TABLE catalog_versions (
                    server     TEXT    NOT NULL,
                    kind       TEXT    NOT NULL,
                    name       TEXT    NOT NULL,
                    hash       TEXT    NOT NULL,
                    definition TEXT    NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen  INTEGER NOT NULL,
                    PRIMARY KEY (server, kind, name, hash)
                );
                CREATE TABLE catalog_current (
                    server TEXT NOT NULL,
                    kind   TEXT NOT NULL,
                    name   TEXT NOT NULL,
                    hash   TEXT NOT NULL,
                    PRIMARY KEY (server, kind, name)
                );
                CREATE TABLE catalog_pins (
                    server    TEXT    NOT NULL,
                    tool      TEXT    NOT NULL,
                    hash      TEXT    NOT NULL,
                    pinned_at INTEGER NOT NULL,
                    pinned_by TEXT    NOT NULL,
                    reviewed  INTEGER NOT NULL,
                    PRIMARY KEY (server, tool)
                );
                """,
            Postgres: """
                CREATE TABLE catalog_versions (
                    server     TEXT    NOT NULL,
                    kind       TEXT    NOT NULL,
                    name       TEXT    NOT NULL,
                    hash       TEXT    NOT NULL,
                    definition TEXT    NOT NULL,
                    first_seen BIGINT  NOT NULL,
                    last_seen  BIGINT  NOT NULL,
                    PRIMARY KEY (server, kind, name, hash)
                );
                CREATE TABLE catalog_current (
                    server TEXT NOT NULL,
                    kind   TEXT NOT NULL,
                    name   TEXT NOT NULL,
                    hash   TEXT NOT NULL,
                    PRIMARY KEY (server, kind, name)
                );
                CREATE TABLE catalog_pins (
                    server    TEXT    NOT NULL,
                    tool      TEXT    NOT NULL,
                    hash      TEXT    NOT NULL,
                    pinned_at BIGINT  NOT NULL,
                    pinned_by TEXT    NOT NULL,
                    reviewed  INTEGER NOT NULL,
                    PRIMARY KEY (server, tool)
                );
                """),

        OAuthMigration.Create(5),

        // Each person's tokens at each upstream that requires OAuth, one row per identity and server. The tokens are
        // sealed by the gateway (data protection) before they reach the store, so the row holds no token in clear.
        new(6, "upstream_tokens",
            Sqlite: """
                CREATE TABLE upstream_tokens (
                    identity   TEXT    NOT NULL,
                    server     TEXT    NOT NULL,
                    sealed     TEXT    NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (identity, server)
                );
                """,
            Postgres: """
                CREATE TABLE upstream_tokens (
                    identity   TEXT   NOT NULL,
                    server     TEXT   NOT NULL,
                    sealed     TEXT   NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (identity, server)
                );
                """),

        // When each OAuth client last registered or was issued a code or token (Unix milliseconds), so that clients that
        // registered themselves and fell out of use can be removed. Null for clients from before: counted from the first pruning.
        new(7, "oauth_application_last_used",
            Sqlite: "ALTER TABLE oauth_applications ADD COLUMN last_used_at INTEGER NULL;",
            Postgres: "ALTER TABLE oauth_applications ADD COLUMN last_used_at BIGINT NULL;"),

        // When each OAuth client was first issued a code or token (Unix milliseconds): one never issued any is removed
        // within hours rather than weeks, so that strangers cannot fill the cap on clients with clients nobody uses.
        // Clients from before count as issued, at the migration, so that none in use is removed early.
        new(8, "oauth_application_first_issued",
            Sqlite: """
                ALTER TABLE oauth_applications ADD COLUMN first_issued_at INTEGER NULL;
                UPDATE oauth_applications SET first_issued_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
                """,
            Postgres: """
                ALTER TABLE oauth_applications ADD COLUMN first_issued_at BIGINT NULL;
                UPDATE oauth_applications SET first_issued_at = (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT;
                """),
    ];
}
