using System.Text.Json.Nodes;
using Gatehouse.Catalog;
using Gatehouse.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Gatehouse.OperatorConsole.Components.Tests;

/// <summary>
/// A bUnit context set up as the console runs: Fluent UI's services registered, and its JavaScript calls (which a test
/// has no browser for) answered with defaults rather than failing the render.
/// </summary>
public abstract class ConsoleComponentTest : BunitContext
{
    /// <summary>The arguments of a campaign tool, with each kind of value a schema gives the builder to work with.</summary>
    protected const string CampaignSchema = """
        {
          "type": "object",
          "properties": {
            "campaign_id": { "type": "integer", "description": "The campaign", "minimum": 1, "maximum": 500 },
            "subject": { "type": "string", "description": "Subject line" },
            "content_type": { "type": "string", "enum": ["html", "plain", "markdown"] },
            "lists": { "type": "array", "items": { "type": "integer" } },
            "send_now": { "type": "boolean" }
          },
          "required": ["campaign_id"]
        }
        """;

    protected ConsoleComponentTest()
    {
        Services.AddFluentUIComponents();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>A tool as the catalog would report it, with <paramref name="inputSchema"/> as its arguments' schema.</summary>
    protected static ToolStanding Tool(string name, string inputSchema = """{ "type": "object" }""", ToolCategory category = ToolCategory.Write, ToolRisk risk = ToolRisk.Medium) =>
        new("listmonk",
            ToolDefinition.FromJson(new JsonObject { ["name"] = name, ["inputSchema"] = JsonNode.Parse(inputSchema) })!,
            new ToolClassification(category, risk, "for the test"),
            [], null, ToolPinState.Pinned);

    /// <summary>The policy <paramref name="text"/> compiled, which the test expects to succeed.</summary>
    protected static CompiledPolicy Compile(string text)
    {
        var result = PolicyCompiler.Compile(text);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy;
    }
}
