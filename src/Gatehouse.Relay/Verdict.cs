using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// Why Gatehouse refused a request, worded for the model that reads it and structured (in <c>_meta</c>) for
/// the program that handles it.
/// </summary>
public sealed record Verdict(string Decision, string Rule, string Reason, TimeSpan? RetryAfter = null)
{
    /// <summary>The <c>_meta</c> key of the decision.</summary>
    public const string MetaKey = "gatehouse/decision";

    /// <summary>The JSON-RPC error code of refused reads and prompts, in the range JSON-RPC leaves to servers.</summary>
    public const int RefusedErrorCode = -32003;

    public string Text
    {
        get
        {
            var retry = RetryAfter is { } wait ? $" Retry in {Math.Ceiling(wait.TotalSeconds):0} s." : "";
            return $"Refused by Gatehouse policy (rule {Rule}): {Reason}.{retry}";
        }
    }

    /// <summary>The refusal of <paramref name="request"/>: a tool result for a tool call, else a JSON-RPC error.</summary>
    public JsonRpcMessage ReplyTo(JsonRpcRequest request) =>
        request.Method == RequestMethods.ToolsCall ? AsToolResult(request.Id) : AsError(request.Id);

    /// <summary>A tool result the model can read and adapt to: the call did not run.</summary>
    public JsonRpcResponse AsToolResult(RequestId id) => new()
    {
        Id = id,
        Result = new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = Text }),
            ["isError"] = true,
            ["_meta"] = new JsonObject { [MetaKey] = ToJson() },
        },
    };

    /// <summary>A JSON-RPC error, for refused reads and prompts.</summary>
    public JsonRpcError AsError(RequestId id) => new()
    {
        Id = id,
        Error = new JsonRpcErrorDetail { Code = RefusedErrorCode, Message = Text, Data = new JsonObject { [MetaKey] = ToJson() } },
    };

    private JsonObject ToJson()
    {
        var json = new JsonObject { ["decision"] = Decision, ["rule"] = Rule, ["reason"] = Reason };
        if (RetryAfter is { } wait)
        {
            json["retryAfterSeconds"] = Math.Ceiling(wait.TotalSeconds);
        }

        return json;
    }
}
