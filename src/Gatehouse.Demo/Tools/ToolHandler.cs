using System.Text.Json.Nodes;

namespace Gatehouse.Demo.Tools;

/// <summary>Runs one tool: arguments in, the JSON the agent reads out.</summary>
internal delegate JsonNode ToolHandler(ToolArguments arguments);
