using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// The tools the upstream offers on one session, by name, as it lists them itself (before any filtering):
/// what lets a decision tell a tool the upstream does not have from one the policy denies.
/// </summary>
public sealed class UpstreamTools
{
    private readonly Func<string, JsonNode?, CancellationToken, Task<JsonNode?>> _requestUpstream;
    private readonly Lock _gate = new();
    private Task<IReadOnlyDictionary<string, JsonObject>>? _listing;

    internal UpstreamTools(Func<string, JsonNode?, CancellationToken, Task<JsonNode?>> requestUpstream) =>
        _requestUpstream = requestUpstream;

    /// <summary>The upstream's tools by name; asks the upstream when this session has not seen a complete list yet.</summary>
    public Task<IReadOnlyDictionary<string, JsonObject>> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_listing is null || _listing.IsFaulted || _listing.IsCanceled)
            {
                // Shared by every caller waiting for it, so no one caller's cancellation may end it.
                _listing = ListAsync(CancellationToken.None);
            }

            return _listing.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Takes a complete, unpaginated list the client asked for, so no request of Gatehouse's own is needed.</summary>
    internal void Observe(JsonRpcRequest request, JsonRpcResponse response)
    {
        if ((request.Params as JsonObject)?["cursor"] is null && response.Result is JsonObject result &&
            result["nextCursor"] is null && result["tools"] is JsonArray tools)
        {
            lock (_gate)
            {
                _listing = Task.FromResult<IReadOnlyDictionary<string, JsonObject>>(ByName(tools));
            }
        }
    }

    /// <summary>Forgets the list: the upstream said it changed.</summary>
    internal void Invalidate()
    {
        lock (_gate)
        {
            _listing = null;
        }
    }

    private async Task<IReadOnlyDictionary<string, JsonObject>> ListAsync(CancellationToken cancellationToken)
    {
        var all = new JsonArray();
        string? cursor = null;
        do
        {
            var parameters = cursor is null ? null : new JsonObject { ["cursor"] = cursor };
            var result = await _requestUpstream(RequestMethods.ToolsList, parameters, cancellationToken).ConfigureAwait(false);
            var page = result as JsonObject;
            foreach (var tool in page?["tools"] as JsonArray ?? [])
            {
                all.Add(tool?.DeepClone());
            }

            cursor = page?["nextCursor"] is JsonValue next && next.TryGetValue(out string? text) ? text : null;
        }
        while (cursor is not null);

        return ByName(all);
    }

    private static Dictionary<string, JsonObject> ByName(JsonArray tools)
    {
        var byName = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (tool is JsonObject definition && definition["name"] is JsonValue name && name.TryGetValue(out string? text))
            {
                byName[text] = definition;
            }
        }

        return byName;
    }
}
