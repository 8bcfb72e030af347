using System.Text.Json.Nodes;

namespace Gatehouse.Catalog;

/// <summary>The catalog as JSON, the same for <c>gatehouse catalog --json</c> and the admin API.</summary>
public static class CatalogJson
{
    /// <summary>Everything the catalog holds of one server.</summary>
    public static JsonObject Of(CatalogReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new JsonObject
        {
            ["server"] = report.Server,
            ["tools"] = new JsonArray([.. report.Tools.Select(tool => (JsonNode)Of(tool))]),
            ["items"] = new JsonArray([.. report.OtherItems.Select(item => (JsonNode)Of(item))]),
        };
    }

    /// <summary>One tool: its class and why, whether it may be used, its pin and what the poisoning scan found.</summary>
    public static JsonObject Of(ToolStanding tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return new JsonObject
        {
            ["name"] = tool.Definition.Name,
            ["category"] = Lower(tool.Classification.Category),
            ["risk"] = Lower(tool.Classification.Risk),
            ["rationale"] = tool.Classification.Rationale,
            ["state"] = Lower(tool.State),
            ["withheldBecause"] = tool.WithheldBecause,
            ["hash"] = tool.Definition.Hash,
            ["pin"] = tool.Pin is { } pin
                ? new JsonObject { ["hash"] = pin.Hash, ["pinnedAt"] = pin.PinnedAt, ["pinnedBy"] = pin.PinnedBy, ["reviewed"] = pin.Reviewed }
                : null,
            ["findings"] = new JsonArray([.. tool.Findings.Select(finding => (JsonNode)new JsonObject
            {
                ["kind"] = finding.Kind,
                ["location"] = finding.Location,
                ["excerpt"] = finding.Excerpt,
            })]),
            ["definition"] = tool.Definition.Pinned.DeepClone(),
        };
    }

    /// <summary>A tool an operator is asked to accept: as <see cref="Of(ToolStanding)"/>, with the pinned definition and the difference.</summary>
    public static JsonObject Of(PendingAcceptance pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var json = Of(pending.Standing);
        json["pinnedDefinition"] = pending.PinnedDefinition is { } pinned ? JsonNode.Parse(pinned) : null;
        json["diff"] = DefinitionDiff.Of(pending);
        return json;
    }

    /// <summary>A resource, resource template or prompt as the server listed it last.</summary>
    public static JsonObject Of(CatalogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new JsonObject
        {
            ["kind"] = CatalogKinds.Name(item.Kind),
            ["name"] = item.Name,
            ["hash"] = item.Hash,
            ["firstSeen"] = item.FirstSeen,
            ["lastSeen"] = item.LastSeen,
            ["definition"] = JsonNode.Parse(item.Definition),
        };
    }

    /// <summary>A value of one of the catalog's enums as it is written in policies and shown: lower case.</summary>
    public static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
