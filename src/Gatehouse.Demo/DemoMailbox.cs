using Gatehouse.Demo.Data;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Demo;

/// <summary>What the demo server has "sent", for the host to show the effect of a policy.</summary>
public static class DemoMailbox
{
    /// <summary>
    /// The number of emails queued in the outbox of the demo database at <paramref name="databasePath"/>
    /// (campaign and transactional alike); 0 when the database does not exist yet. Never creates the file.
    /// </summary>
    public static int CountOutbox(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        if (!File.Exists(fullPath))
        {
            return 0;
        }

        using var connection = new SqliteConnection(DemoDatabase.ConnectionString(fullPath, SqliteOpenMode.ReadWrite));
        connection.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        return Outbox.Count(new SqlSession(connection, transaction));
    }
}
