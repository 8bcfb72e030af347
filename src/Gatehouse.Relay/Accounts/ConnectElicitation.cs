using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Accounts;

/// <summary>
/// The link to connect an account as a URL elicitation (<c>URLElicitationRequiredError</c>, -32042), for a client that said
/// in its initialize that it takes them (<c>capabilities.elicitation.url</c>): it can then open the link for the person.
/// </summary>
internal static class ConnectElicitation
{
    /// <summary>The error's data, or null when the client does not take URL elicitations or there is no link.</summary>
    public static JsonObject? For(JsonRpcMessage initialize, UpstreamAccountRequiredException refusal)
    {
        if (refusal.ConnectLink is not { } link ||
            initialize is not JsonRpcRequest { Params: JsonObject parameters } ||
            parameters["capabilities"]?["elicitation"]?["url"] is not JsonObject)
        {
            return null;
        }

        return new JsonObject
        {
            ["elicitations"] = new JsonArray(new JsonObject
            {
                ["mode"] = "url",
                ["elicitationId"] = Guid.NewGuid().ToString("N"),
                ["url"] = link,
                ["message"] = refusal.Scope is null
                    ? $"Connect your account on '{refusal.Server}' to use it through Gatehouse."
                    : $"Connect your account on '{refusal.Server}' again to allow it scope '{refusal.Scope}'.",
            }),
        };
    }
}
