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
    ];
}
