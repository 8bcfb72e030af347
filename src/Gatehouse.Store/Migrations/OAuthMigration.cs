namespace Gatehouse.Store.Migrations;

/// <summary>
/// The OAuth authorization server's state: the clients (applications), what a person let each client do
/// (authorizations), and every code and token issued (tokens), as OpenIddict's stores hold them. Lists and property
/// bags are JSON text, read only whole; the columns OpenIddict looks rows up by are columns of their own, indexed.
/// </summary>
internal static class OAuthMigration
{
    // Each row carries a concurrency token: an update names the token it read, so that of two requests redeeming the
    // same code or refresh token at once, one succeeds and the other is refused.
    public static Migration Create(int version) => new(version, "oauth", Sqlite: Schema("INTEGER"), Postgres: Schema("BIGINT "));

    // The same tables on both backends; times are whole milliseconds, a 64-bit integer in either.
    private static string Schema(string int64) => $"""
            CREATE TABLE oauth_applications (
                id                        TEXT    NOT NULL PRIMARY KEY,
                client_id                 TEXT    NOT NULL UNIQUE,
                client_secret             TEXT    NULL,
                client_type               TEXT    NULL,
                application_type          TEXT    NULL,
                consent_type              TEXT    NULL,
                display_name              TEXT    NULL,
                display_names             TEXT    NULL,
                permissions               TEXT    NULL,
                post_logout_redirect_uris TEXT    NULL,
                redirect_uris             TEXT    NULL,
                requirements              TEXT    NULL,
                settings                  TEXT    NULL,
                properties                TEXT    NULL,
                concurrency_token         TEXT    NOT NULL
            );
            CREATE TABLE oauth_authorizations (
                id                TEXT    NOT NULL PRIMARY KEY,
                application_id    TEXT    NULL REFERENCES oauth_applications (id),
                creation_date     {int64} NULL,
                scopes            TEXT    NULL,
                status            TEXT    NULL,
                subject           TEXT    NULL,
                type              TEXT    NULL,
                properties        TEXT    NULL,
                concurrency_token TEXT    NOT NULL
            );
            CREATE INDEX oauth_authorizations_application ON oauth_authorizations (application_id, status, subject, type);
            CREATE INDEX oauth_authorizations_subject ON oauth_authorizations (subject);
            CREATE TABLE oauth_tokens (
                id                TEXT    NOT NULL PRIMARY KEY,
                application_id    TEXT    NULL REFERENCES oauth_applications (id),
                authorization_id  TEXT    NULL REFERENCES oauth_authorizations (id),
                creation_date     {int64} NULL,
                expiration_date   {int64} NULL,
                redemption_date   {int64} NULL,
                reference_id      TEXT    NULL UNIQUE,
                status            TEXT    NULL,
                subject           TEXT    NULL,
                type              TEXT    NULL,
                payload           TEXT    NULL,
                properties        TEXT    NULL,
                concurrency_token TEXT    NOT NULL
            );
            CREATE INDEX oauth_tokens_application ON oauth_tokens (application_id, status, subject, type);
            CREATE INDEX oauth_tokens_authorization ON oauth_tokens (authorization_id);
            CREATE INDEX oauth_tokens_subject ON oauth_tokens (subject);
            """;
}
