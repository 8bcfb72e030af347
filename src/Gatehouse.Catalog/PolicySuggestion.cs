using System.Text.Json.Nodes;
using Gatehouse.Policy;

namespace Gatehouse.Catalog;

/// <summary>
/// A starting policy for one server, from its catalog: default deny, reads allowed, writes and executions under a rate
/// limit, destructive and critical tools held for a person. Each tool gets a rule of its own that carries its
/// rationale as the reason, and class rules decide the tools the server adds later.
/// </summary>
public static class PolicySuggestion
{
    /// <summary>Calls a minute per grant that a suggested limit admits.</summary>
    public const int HighRiskPerMinute = 10;

    /// <summary>Calls a minute per grant for tools of lower risk that still change something.</summary>
    public const int LowerRiskPerMinute = 60;

    /// <summary>The suggested policy for <paramref name="report"/>'s server, as JSON that validates and loads as written.</summary>
    public static JsonObject For(CatalogReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var tools = new JsonObject();
        foreach (var tool in report.Tools.OrderBy(tool => tool.Definition.Name, StringComparer.Ordinal))
        {
            // A name a policy key cannot hold exactly (a '*' would make it a glob) is left to the class rules.
            if (IsExactKey(tool.Definition.Name))
            {
                tools[tool.Definition.Name] = Rule(tool.Definition.Name, tool.Classification);
            }
        }

        return new JsonObject
        {
            ["version"] = "1",
            ["default"] = "deny",
            ["tools"] = tools,
            ["classes"] = new JsonArray(
                new JsonObject
                {
                    ["category"] = new JsonArray("destructive", "admin"),
                    ["action"] = "require_approval",
                    ["reason"] = "A tool the server added later that deletes or administers something waits for a person.",
                },
                new JsonObject
                {
                    ["risk"] = "critical",
                    ["action"] = "require_approval",
                    ["reason"] = "A critical tool the server added later waits for a person.",
                },
                new JsonObject
                {
                    ["category"] = "read",
                    ["risk"] = new JsonArray("low", "medium"),
                    ["action"] = "allow",
                    ["reason"] = "A tool the server added later that only reads is allowed; others are denied until a rule names them.",
                }),
        };
    }

    private static JsonObject Rule(string name, ToolClassification classification)
    {
        var rule = new JsonObject();
        switch (classification)
        {
            case { Category: ToolCategory.Destructive or ToolCategory.Admin } or { Risk: ToolRisk.Critical }:
            case { Category: ToolCategory.Read, Risk: ToolRisk.High }:
                rule["action"] = "require_approval";
                break;
            case { Category: ToolCategory.Read }:
                rule["action"] = "allow";
                break;
            default:
                rule["limits"] = new JsonArray(new JsonObject
                {
                    ["counter"] = $"{name}_rate",
                    ["window"] = "minute",
                    ["max"] = classification.Risk == ToolRisk.High ? HighRiskPerMinute : LowerRiskPerMinute,
                    ["scope"] = "grant",
                });
                break;
        }

        rule["reason"] = classification.Rationale;
        return rule;
    }

    private static bool IsExactKey(string name) =>
        name.Length > 0 && !name.Contains('*', StringComparison.Ordinal) && !char.IsWhiteSpace(name[0]) && !char.IsWhiteSpace(name[^1]) &&
        !name.Any(char.IsControl);
}
