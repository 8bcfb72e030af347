using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Demo.Data;

internal sealed record NewSubscriber(string Email, string Name, IReadOnlyList<long> Lists, string Status, JsonObject Attributes, bool Preconfirm);

internal sealed record SubscriberChanges(string? Email, string? Name, string? Status, IReadOnlyList<long>? Lists, JsonObject? Attributes);

/// <summary>Subscribers and their subscriptions to mailing lists.</summary>
internal sealed class SubscriberStore(DemoDatabase database, TimeProvider time)
{
    private const string MembersOfList = """
        FROM subscribers s JOIN subscriber_lists sl ON sl.subscriber_id = s.id
        WHERE sl.list_id = $list
        """;

    public JsonObject Get(long id) => database.Read(session => Find(session, id));

    public JsonObject GetByEmail(string email) => database.Read(session =>
    {
        var id = session.Single("SELECT id FROM subscribers WHERE email = $email", reader => (long?)reader.Id("id"), ("$email", email))
            ?? throw new DemoNotFoundException($"No subscriber has the email address '{email}'.");
        return Find(session, id);
    });

    public JsonArray All() => database.Read(session => new JsonArray([..
        session.Query("SELECT id, email, name, status FROM subscribers ORDER BY id", row => new JsonObject
        {
            ["id"] = row.Id("id"),
            ["email"] = row.Text("email"),
            ["name"] = row.Text("name"),
            ["status"] = row.Text("status"),
        })]));

    /// <summary>A page of a list's subscribers, each with its subscription status on that list.</summary>
    public (JsonArray Subscribers, long Total) OfList(long listId, Page page) => database.Read(session =>
    {
        MailingListStore.RequireOptins(session, [listId]);
        var total = session.Scalar($"SELECT count(*) {MembersOfList}", ("$list", listId));
        var rows = session.Query(
            $"SELECT s.id, s.email, s.name, s.status, s.attribs, sl.status AS subscription_status {MembersOfList} ORDER BY s.id LIMIT $limit OFFSET $offset",
            row => (JsonNode)new JsonObject
            {
                ["id"] = row.Id("id"),
                ["email"] = row.Text("email"),
                ["name"] = row.Text("name"),
                ["status"] = row.Text("status"),
                ["attribs"] = row.Json("attribs"),
                ["subscription_status"] = row.Text("subscription_status"),
            },
            ("$list", listId), ("$limit", page.Size), ("$offset", page.Offset));
        return (new JsonArray([.. rows]), total);
    });

    public JsonObject Add(NewSubscriber subscriber) => database.Write(session =>
    {
        RequireUnusedEmail(session, subscriber.Email, exceptId: null);
        var optins = MailingListStore.RequireOptins(session, subscriber.Lists);
        var now = Now();
        var id = session.Scalar(
            "INSERT INTO subscribers (email, name, status, attribs, created_at, updated_at) VALUES ($email, $name, $status, $attribs, $at, $at) RETURNING id",
            ("$email", subscriber.Email), ("$name", subscriber.Name), ("$status", subscriber.Status), ("$attribs", subscriber.Attributes.ToColumn()), ("$at", now));
        Subscribe(session, id, optins, subscriber.Status, subscriber.Preconfirm, now);
        return Find(session, id);
    });

    public JsonObject Update(long id, SubscriberChanges changes) => database.Write(session =>
    {
        var current = Find(session, id);
        if (changes.Email is not null)
        {
            RequireUnusedEmail(session, changes.Email, exceptId: id);
        }

        var optins = changes.Lists is null ? null : MailingListStore.RequireOptins(session, changes.Lists);
        var now = Now();
        session.Execute(
            """
            UPDATE subscribers SET email = coalesce($email, email), name = coalesce($name, name),
                status = coalesce($status, status), attribs = coalesce($attribs, attribs), updated_at = $at
            WHERE id = $id
            """,
            ("$id", id), ("$email", changes.Email), ("$name", changes.Name), ("$status", changes.Status),
            ("$attribs", changes.Attributes?.ToColumn()), ("$at", now));

        var status = changes.Status ?? current["status"]!.GetValue<string>();
        if (optins is not null)
        {
            // The new lists replace the old ones; a subscription kept keeps its status.
            session.Execute(
                "DELETE FROM subscriber_lists WHERE subscriber_id = $id AND list_id NOT IN (SELECT value FROM json_each($kept))",
                ("$id", id), ("$kept", new JsonArray([.. optins.Keys.Select(list => JsonValue.Create(list))]).ToJsonString()));
            Subscribe(session, id, optins, status, preconfirm: false, now);
        }

        ApplyBlocklist(session, id, status);
        return Find(session, id);
    });

    public JsonObject ChangeStatus(long id, string status) => database.Write(session =>
    {
        var updated = session.Execute(
            "UPDATE subscribers SET status = $status, updated_at = $at WHERE id = $id",
            ("$id", id), ("$status", status), ("$at", Now()));
        if (updated == 0)
        {
            throw NotFound(id);
        }

        ApplyBlocklist(session, id, status);
        return Find(session, id);
    });

    public JsonObject Remove(long id) => database.Write(session =>
    {
        var subscriber = Find(session, id);
        session.Execute("DELETE FROM subscribers WHERE id = $id", ("$id", id));
        return new JsonObject
        {
            ["message"] = $"Subscriber {id} <{subscriber["email"]}> removed.",
            ["removed_subscriber_id"] = id,
        };
    });

    private static void Subscribe(SqlSession session, long id, Dictionary<long, string> optins, string status, bool preconfirm, string now)
    {
        foreach (var (listId, optin) in optins)
        {
            session.Execute(
                "INSERT OR IGNORE INTO subscriber_lists (subscriber_id, list_id, status, created_at) VALUES ($id, $list, $status, $at)",
                ("$id", id), ("$list", listId), ("$status", SubscriptionStatus(optin, status, preconfirm)), ("$at", now));
        }
    }

    /// <summary>
    /// Listmonk's rule: a double opt-in subscription waits for confirmation unless preconfirmed, and a
    /// blocklisted subscriber is unsubscribed from everything.
    /// </summary>
    private static string SubscriptionStatus(string optin, string subscriberStatus, bool preconfirm) =>
        subscriberStatus == ListmonkValues.Blocklisted ? ListmonkValues.Unsubscribed
        : optin == "double" && !preconfirm ? "unconfirmed"
        : "confirmed";

    private static void ApplyBlocklist(SqlSession session, long id, string status)
    {
        if (status == ListmonkValues.Blocklisted)
        {
            session.Execute(
                "UPDATE subscriber_lists SET status = $unsubscribed WHERE subscriber_id = $id",
                ("$id", id), ("$unsubscribed", ListmonkValues.Unsubscribed));
        }
    }

    private static void RequireUnusedEmail(SqlSession session, string email, long? exceptId)
    {
        var owner = session.Single(
            "SELECT id FROM subscribers WHERE email = $email AND id IS NOT $except",
            reader => (long?)reader.Id("id"),
            ("$email", email), ("$except", exceptId));
        if (owner is not null)
        {
            throw new DemoInputException($"A subscriber with the email address '{email}' already exists (id {owner}).");
        }
    }

    private static JsonObject Find(SqlSession session, long id)
    {
        var subscriber = session.Single("SELECT * FROM subscribers WHERE id = $id", ToJson, ("$id", id)) ?? throw NotFound(id);
        subscriber["lists"] = new JsonArray([..
            session.Query(
                "SELECT l.id, l.name, sl.status FROM subscriber_lists sl JOIN lists l ON l.id = sl.list_id WHERE sl.subscriber_id = $id ORDER BY l.id",
                row => (JsonNode)new JsonObject
                {
                    ["id"] = row.Id("id"),
                    ["name"] = row.Text("name"),
                    ["subscription_status"] = row.Text("status"),
                },
                ("$id", id))]);
        return subscriber;
    }

    private static JsonObject ToJson(SqliteDataReader row) => new()
    {
        ["id"] = row.Id("id"),
        ["email"] = row.Text("email"),
        ["name"] = row.Text("name"),
        ["status"] = row.Text("status"),
        ["attribs"] = row.Json("attribs"),
        ["created_at"] = row.Text("created_at"),
        ["updated_at"] = row.Text("updated_at"),
    };

    private static DemoNotFoundException NotFound(long id) => new($"Subscriber {id} does not exist.");

    private string Now() => Timestamps.Format(time.GetUtcNow());
}
