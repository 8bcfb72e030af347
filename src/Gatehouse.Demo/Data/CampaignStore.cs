using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Demo.Data;

internal sealed record NewCampaign(
    string Name, string Subject, IReadOnlyList<long> Lists, string Type, string ContentType, string Body, long? TemplateId, IReadOnlyList<string> Tags);

internal sealed record CampaignChanges(string? Name, string? Subject, IReadOnlyList<long>? Lists, string? Body, IReadOnlyList<string>? Tags);

/// <summary>Campaigns: their rows, their target lists, previews and scheduling. Sending is <see cref="CampaignSender"/>'s.</summary>
internal sealed class CampaignStore(DemoDatabase database, TimeProvider time)
{
    private const string Select = """
        SELECT c.*, (SELECT count(*) FROM outbox o WHERE o.campaign_id = c.id) AS emails_queued
        FROM campaigns c
        """;

    public JsonObject Get(long id) => database.Read(session => Find(session, id));

    public JsonArray All() => database.Read(session => new JsonArray([..
        session.Query("SELECT id, name, subject, status, created_at FROM campaigns ORDER BY id", row => (JsonNode)new JsonObject
        {
            ["id"] = row.Id("id"),
            ["name"] = row.Text("name"),
            ["subject"] = row.Text("subject"),
            ["status"] = row.Text("status"),
            ["created_at"] = row.Text("created_at"),
        })]));

    public (JsonArray Campaigns, long Total) Filter(string? status, Page page) => database.Read(session =>
    {
        var total = session.Scalar("SELECT count(*) FROM campaigns WHERE $status IS NULL OR status = $status", ("$status", status));
        var ids = session.Query(
            "SELECT id FROM campaigns WHERE $status IS NULL OR status = $status ORDER BY id LIMIT $limit OFFSET $offset",
            row => row.Id("id"),
            ("$status", status), ("$limit", page.Size), ("$offset", page.Offset));
        return (new JsonArray([.. ids.Select(id => (JsonNode)Find(session, id))]), total);
    });

    /// <summary>The campaign's body inside its template, as Listmonk's preview renders it.</summary>
    public string Preview(long id) => database.Read(session =>
    {
        var campaign = Find(session, id);
        var templateBody = session.Single(
            "SELECT body FROM templates WHERE id = $id", row => row.Text("body"), ("$id", campaign["template_id"]?.GetValue<long>()));
        return TemplateRenderer.RenderCampaign(templateBody, campaign["body"]!.GetValue<string>());
    });

    public JsonObject Create(NewCampaign campaign) => database.Write(session =>
    {
        MailingListStore.RequireOptins(session, campaign.Lists);
        var templateId = campaign.TemplateId is { } requested
            ? TemplateStore.RequireCampaignTemplate(session, requested)
            : session.Single("SELECT id FROM templates WHERE type = 'campaign' AND is_default = 1", row => (long?)row.Id("id"));
        var now = Now();
        var id = session.Scalar(
            """
            INSERT INTO campaigns (name, subject, type, content_type, body, template_id, tags, status, send_at, created_at, updated_at)
            VALUES ($name, $subject, $type, $contentType, $body, $template, $tags, 'draft', NULL, $at, $at) RETURNING id
            """,
            ("$name", campaign.Name), ("$subject", campaign.Subject), ("$type", campaign.Type), ("$contentType", campaign.ContentType),
            ("$body", campaign.Body), ("$template", templateId), ("$tags", campaign.Tags.ToColumn()), ("$at", now));
        SetLists(session, id, campaign.Lists);
        return Find(session, id);
    });

    public JsonObject Update(long id, CampaignChanges changes) => database.Write(session =>
    {
        RequireUnsent(Find(session, id), "updated");
        if (changes.Lists is not null)
        {
            MailingListStore.RequireOptins(session, changes.Lists);
            session.Execute("DELETE FROM campaign_lists WHERE campaign_id = $id", ("$id", id));
            SetLists(session, id, changes.Lists);
        }

        session.Execute(
            """
            UPDATE campaigns SET name = coalesce($name, name), subject = coalesce($subject, subject), body = coalesce($body, body),
                tags = coalesce($tags, tags), updated_at = $at
            WHERE id = $id
            """,
            ("$id", id), ("$name", changes.Name), ("$subject", changes.Subject), ("$body", changes.Body),
            ("$tags", changes.Tags?.ToColumn()), ("$at", Now()));
        return Find(session, id);
    });

    public JsonObject Schedule(long id, DateTimeOffset sendAt) => database.Write(session =>
    {
        RequireUnsent(Find(session, id), "scheduled");
        var now = time.GetUtcNow();
        if (sendAt <= now)
        {
            throw new DemoInputException($"send_at must be in the future; it is {Timestamps.Format(sendAt)} and now is {Timestamps.Format(now)}.");
        }

        session.Execute(
            "UPDATE campaigns SET status = 'scheduled', send_at = $sendAt, updated_at = $at WHERE id = $id",
            ("$id", id), ("$sendAt", Timestamps.Format(sendAt)), ("$at", Timestamps.Format(now)));
        return Find(session, id);
    });

    public static JsonObject Find(SqlSession session, long id)
    {
        var campaign = session.Single($"{Select} WHERE c.id = $id", ToJson, ("$id", id))
            ?? throw new DemoNotFoundException($"Campaign {id} does not exist.");
        campaign["lists"] = new JsonArray([..
            session.Query(
                "SELECT l.id, l.name FROM campaign_lists cl JOIN lists l ON l.id = cl.list_id WHERE cl.campaign_id = $id ORDER BY l.id",
                row => (JsonNode)new JsonObject { ["id"] = row.Id("id"), ["name"] = row.Text("name") },
                ("$id", id))]);
        return campaign;
    }

    /// <summary>Listmonk refuses to change a campaign once it has started going out.</summary>
    private static void RequireUnsent(JsonObject campaign, string action)
    {
        var status = campaign["status"]!.GetValue<string>();
        if (!ListmonkValues.UnsentCampaignStatuses.Contains(status))
        {
            throw new DemoInputException(
                $"Campaign {campaign["id"]} is {status}; only {string.Join(", ", ListmonkValues.UnsentCampaignStatuses)} campaigns can be {action}.");
        }
    }

    private static void SetLists(SqlSession session, long id, IEnumerable<long> lists)
    {
        foreach (var list in lists.Distinct())
        {
            session.Execute("INSERT INTO campaign_lists (campaign_id, list_id) VALUES ($id, $list)", ("$id", id), ("$list", list));
        }
    }

    private static JsonObject ToJson(SqliteDataReader row) => new()
    {
        ["id"] = row.Id("id"),
        ["name"] = row.Text("name"),
        ["subject"] = row.Text("subject"),
        ["status"] = row.Text("status"),
        ["type"] = row.Text("type"),
        ["content_type"] = row.Text("content_type"),
        ["body"] = row.Text("body"),
        ["template_id"] = row.NullableId("template_id"),
        ["tags"] = row.Json("tags"),
        ["send_at"] = row.NullableText("send_at"),
        ["emails_queued"] = row.Id("emails_queued"),
        ["created_at"] = row.Text("created_at"),
        ["updated_at"] = row.Text("updated_at"),
    };

    private string Now() => Timestamps.Format(time.GetUtcNow());
}
