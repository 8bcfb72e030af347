using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Demo.Data;

internal sealed record NewMailingList(string Name, string Type, string Optin, IReadOnlyList<string> Tags, string Description);

internal sealed record MailingListChanges(string? Name, string? Type, string? Optin, IReadOnlyList<string>? Tags, string? Description);

/// <summary>Mailing lists: their rows, and the count of live subscriptions on each.</summary>
internal sealed class MailingListStore(DemoDatabase database, TimeProvider time)
{
    private const string Select = """
        SELECT l.*, (SELECT count(*) FROM subscriber_lists sl WHERE sl.list_id = l.id AND sl.status <> 'unsubscribed') AS subscriber_count
        FROM lists l
        """;

    public JsonArray All() => database.Read(session => new JsonArray([.. session.Query($"{Select} ORDER BY l.id", ToJson)]));

    public JsonObject Get(long id) => database.Read(session => Find(session, id));

    public JsonObject Create(NewMailingList list) => database.Write(session =>
    {
        var id = session.Scalar(
            "INSERT INTO lists (name, type, optin, tags, description, created_at, updated_at) VALUES ($name, $type, $optin, $tags, $description, $at, $at) RETURNING id",
            ("$name", list.Name), ("$type", list.Type), ("$optin", list.Optin), ("$tags", list.Tags.ToColumn()), ("$description", list.Description), ("$at", Now()));
        return Find(session, id);
    });

    public JsonObject Update(long id, MailingListChanges changes) => database.Write(session =>
    {
        var updated = session.Execute(
            """
            UPDATE lists SET name = coalesce($name, name), type = coalesce($type, type), optin = coalesce($optin, optin),
                tags = coalesce($tags, tags), description = coalesce($description, description), updated_at = $at
            WHERE id = $id
            """,
            ("$id", id), ("$name", changes.Name), ("$type", changes.Type), ("$optin", changes.Optin),
            ("$tags", changes.Tags?.ToColumn()), ("$description", changes.Description), ("$at", Now()));
        return updated == 0 ? throw NotFound(id) : Find(session, id);
    });

    public JsonObject Delete(long id) => database.Write(session =>
    {
        var list = Find(session, id);
        session.Execute("DELETE FROM lists WHERE id = $id", ("$id", id));
        return new JsonObject
        {
            ["message"] = $"Mailing list {id} '{list["name"]}' deleted; its subscribers stay, unsubscribed from it.",
            ["deleted_list_id"] = id,
        };
    });

    /// <summary>The opt-in type of each list, after checking that every id names a list.</summary>
    public static Dictionary<long, string> RequireOptins(SqlSession session, IEnumerable<long> ids)
    {
        var optins = new Dictionary<long, string>();
        foreach (var id in ids.Distinct())
        {
            var optin = session.Single("SELECT optin FROM lists WHERE id = $id", reader => reader.Text("optin"), ("$id", id));
            optins[id] = optin ?? throw NotFound(id);
        }

        return optins;
    }

    private static DemoNotFoundException NotFound(long id) => new($"Mailing list {id} does not exist.");

    private static JsonObject Find(SqlSession session, long id) =>
        session.Single($"{Select} WHERE l.id = $id", ToJson, ("$id", id)) ?? throw NotFound(id);

    private static JsonObject ToJson(SqliteDataReader row) => new()
    {
        ["id"] = row.Id("id"),
        ["name"] = row.Text("name"),
        ["type"] = row.Text("type"),
        ["optin"] = row.Text("optin"),
        ["tags"] = row.Json("tags"),
        ["description"] = row.Text("description"),
        ["subscriber_count"] = row.Id("subscriber_count"),
        ["created_at"] = row.Text("created_at"),
        ["updated_at"] = row.Text("updated_at"),
    };

    private string Now() => Timestamps.Format(time.GetUtcNow());
}
