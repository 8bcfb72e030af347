using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>Builds the JSON-RPC messages Gatehouse itself sends, so their wording lives in one place.</summary>
public static class JsonRpcReplies
{
    /// <summary>A JSON-RPC error in reply to <paramref name="id"/>.</summary>
    public static JsonRpcError Error(RequestId id, McpErrorCode code, string message, JsonNode? data = null) => new()
    {
        Id = id,
        Error = new JsonRpcErrorDetail { Code = (int)code, Message = message, Data = data },
    };

    /// <summary>Tells the upstream that Gatehouse no longer waits for <paramref name="id"/>.</summary>
    public static JsonRpcNotification Cancelled(RequestId id, string reason) => new()
    {
        Method = NotificationMethods.CancelledNotification,
        Params = new JsonObject
        {
            ["requestId"] = JsonValue.Create(id.Id),
            ["reason"] = reason,
        },
    };
}
