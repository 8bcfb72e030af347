namespace Gatehouse.Demo.Data;

/// <summary>The tables of the demo database, modelled on Listmonk's own.</summary>
internal static class DemoSchema
{
    private const int SeededVersion = 1;

    // AUTOINCREMENT so that a deleted row's id is never handed out again: audit entries keep naming one thing.
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS lists (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            optin TEXT NOT NULL,
            tags TEXT NOT NULL,
            description TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS subscribers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            attribs TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS subscriber_lists (
            subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (subscriber_id, list_id));
        CREATE TABLE IF NOT EXISTS templates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            body TEXT NOT NULL,
            is_default INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS campaigns (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            subject TEXT NOT NULL,
            type TEXT NOT NULL,
            content_type TEXT NOT NULL,
            body TEXT NOT NULL,
            template_id INTEGER REFERENCES templates(id) ON DELETE SET NULL,
            tags TEXT NOT NULL,
            status TEXT NOT NULL,
            send_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS campaign_lists (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            PRIMARY KEY (campaign_id, list_id));
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            campaign_id INTEGER,
            template_id INTEGER,
            subscriber_email TEXT NOT NULL,
            subject TEXT NOT NULL,
            queued_at TEXT NOT NULL);
        """;

    /// <summary>Creates the tables and, when the file has never been seeded, the sample data.</summary>
    /// <returns>Whether the sample data was inserted now.</returns>
    public static bool EnsureCreated(SqlSession session)
    {
        session.Execute(Tables);

        // user_version lives in the file header and commits with this transaction, so two servers
        // starting on one file seed it exactly once.
        if (session.Scalar("PRAGMA user_version") >= SeededVersion)
        {
            return false;
        }

        DemoSeed.Insert(session);
        session.Execute($"PRAGMA user_version = {SeededVersion}");
        return true;
    }
}
