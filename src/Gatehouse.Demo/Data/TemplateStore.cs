using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Demo.Data;

internal sealed record NewTemplate(string Name, string Body, string Type, bool IsDefault);

internal sealed record TemplateChanges(string? Name, string? Body, bool? IsDefault);

/// <summary>Email templates: campaign layouts (one of them the default) and transactional messages.</summary>
internal sealed class TemplateStore(DemoDatabase database, TimeProvider time)
{
    private const string CampaignType = "campaign";

    public JsonObject Get(long id) => database.Read(session => Find(session, id));

    public string Body(long id) => database.Read(session => Find(session, id)["body"]!.GetValue<string>());

    public JsonArray All() => database.Read(session => new JsonArray([..
        session.Query("SELECT * FROM templates ORDER BY id", row =>
        {
            var template = ToJson(row);
            template.Remove("body");
            return (JsonNode)template;
        })]));

    public JsonObject Create(NewTemplate template) => database.Write(session =>
    {
        RequireValidBody(template.Type, template.Body);
        RequireDefaultable(template.Type, template.IsDefault);
        var id = session.Scalar(
            "INSERT INTO templates (name, type, body, is_default, created_at, updated_at) VALUES ($name, $type, $body, 0, $at, $at) RETURNING id",
            ("$name", template.Name), ("$type", template.Type), ("$body", template.Body), ("$at", Now()));
        if (template.IsDefault)
        {
            MakeDefault(session, id);
        }

        return Find(session, id);
    });

    public JsonObject Update(long id, TemplateChanges changes) => database.Write(session =>
    {
        var current = Find(session, id);
        var type = current["type"]!.GetValue<string>();
        if (changes.Body is not null)
        {
            RequireValidBody(type, changes.Body);
        }

        if (changes.IsDefault is { } isDefault)
        {
            RequireDefaultable(type, isDefault);
            if (!isDefault && current["is_default"]!.GetValue<bool>())
            {
                throw new DemoInputException($"Template {id} is the default; make another campaign template the default instead.");
            }
        }

        session.Execute(
            "UPDATE templates SET name = coalesce($name, name), body = coalesce($body, body), updated_at = $at WHERE id = $id",
            ("$id", id), ("$name", changes.Name), ("$body", changes.Body), ("$at", Now()));
        if (changes.IsDefault == true)
        {
            MakeDefault(session, id);
        }

        return Find(session, id);
    });

    public JsonObject Delete(long id) => database.Write(session =>
    {
        var template = Find(session, id);
        if (template["is_default"]!.GetValue<bool>())
        {
            throw new DemoInputException($"Template {id} is the default template and cannot be deleted; make another one the default first.");
        }

        // As Listmonk does, campaigns that used the template fall back to the default one.
        var reassigned = session.Execute(
            "UPDATE campaigns SET template_id = (SELECT id FROM templates WHERE is_default = 1) WHERE template_id = $id",
            ("$id", id));
        session.Execute("DELETE FROM templates WHERE id = $id", ("$id", id));
        return new JsonObject
        {
            ["message"] = $"Template {id} '{template["name"]}' deleted; {reassigned} campaigns moved to the default template.",
            ["deleted_template_id"] = id,
        };
    });

    /// <summary>Checks that <paramref name="id"/> names a campaign template, the only kind a campaign can use.</summary>
    public static long RequireCampaignTemplate(SqlSession session, long id)
    {
        var type = Find(session, id)["type"]!.GetValue<string>();
        return type == CampaignType ? id : throw new DemoInputException($"Template {id} is a {type} template; a campaign needs a campaign template.");
    }

    public static JsonObject Find(SqlSession session, long id) =>
        session.Single("SELECT * FROM templates WHERE id = $id", ToJson, ("$id", id))
        ?? throw new DemoNotFoundException($"Template {id} does not exist.");

    private static void RequireValidBody(string type, string body)
    {
        if (type == CampaignType && !TemplateRenderer.HasContentSlot(body))
        {
            throw new DemoInputException("""A campaign template's body must contain {{ template "content" . }} where the campaign content goes.""");
        }
    }

    private static void RequireDefaultable(string type, bool isDefault)
    {
        if (isDefault && type != CampaignType)
        {
            throw new DemoInputException("Only a campaign template can be the default template.");
        }
    }

    private static void MakeDefault(SqlSession session, long id) =>
        session.Execute("UPDATE templates SET is_default = (id = $id)", ("$id", id));

    private static JsonObject ToJson(SqliteDataReader row) => new()
    {
        ["id"] = row.Id("id"),
        ["name"] = row.Text("name"),
        ["type"] = row.Text("type"),
        ["is_default"] = row.Flag("is_default"),
        ["body"] = row.Text("body"),
        ["created_at"] = row.Text("created_at"),
        ["updated_at"] = row.Text("updated_at"),
    };

    private string Now() => Timestamps.Format(time.GetUtcNow());
}
