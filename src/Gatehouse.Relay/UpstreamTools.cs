using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// The tools the upstream offers on one session, by name, as it lists them itself (before any filtering):
/// what lets a decision tell a tool the upstream does not have from one the policy denies.
/// </summary>
public sealed class UpstreamTools
{
    /// <summary>The most pages one listing may take: a server that pages without end must not hold a decision forever.</summary>
    public const int MaxPages = 1000;

    /// <summary>
    /// How old a list may be when a call is judged by it. A server tells of a change on its GET stream, which is open
    /// only while the client listens, and some servers never tell: past this age the next decision lists again.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly Func<string, JsonNode?, CancellationToken, Task<JsonNode?>> _requestUpstream;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Task<IReadOnlyDictionary<string, JsonObject>>? _listing;
    private long _listedAt;

    /// <param name="requestUpstream">Sends a request of Gatehouse's own to the upstream and returns its result.</param>
    /// <param name="time">Tells a list's age (<see cref="MaxAge"/>).</param>
    public UpstreamTools(Func<string, JsonNode?, CancellationToken, Task<JsonNode?>> requestUpstream, TimeProvider time)
    {
        _requestUpstream = requestUpstream;
        _time = time;
    }

    /// <summary>The upstream's tools by name; asks the upstream when this session has not seen a complete list yet.</summary>
    /// <remarks>
    /// Never asks again because the list is old: it is read while an answer of the upstream is relayed, when the
    /// upstream's next message (the answer to a listing of Gatehouse's own) cannot be read until the relay is done.
    /// </remarks>
    public Task<IReadOnlyDictionary<string, JsonObject>> GetAsync(CancellationToken cancellationToken) => Get(TimeSpan.MaxValue, cancellationToken);

    /// <summary>
    /// The upstream's tools by name, as listed at most <see cref="MaxAge"/> ago: what a call is judged by. Asks the upstream
    /// when the list is older, so never call it while an answer of the upstream is being relayed.
    /// </summary>
    public Task<IReadOnlyDictionary<string, JsonObject>> GetCurrentAsync(CancellationToken cancellationToken) => Get(MaxAge, cancellationToken);

    private Task<IReadOnlyDictionary<string, JsonObject>> Get(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_listing is null || _listing.IsFaulted || _listing.IsCanceled ||
                (_listing.IsCompleted && _time.GetElapsedTime(_listedAt) > maxAge))
            {
                // Shared by every caller waiting for it, so no one caller's cancellation may end it.
                _listedAt = _time.GetTimestamp();
                _listing = ListAsync(CancellationToken.None);
            }

            return _listing.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Forgets the list, so that the next decision asks the upstream: it said it changed, or showed something else.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _listing = null;
        }
    }

    /// <summary>Whether <paramref name="result"/> of <paramref name="request"/> is a whole list: asked from its start, with no next page.</summary>
    public static bool IsComplete(JsonRpcRequest request, JsonObject result)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        return (request.Params as JsonObject)?["cursor"] is null && result["nextCursor"] is null;
    }

    /// <summary>
    /// Every item of a list method (<paramref name="key"/> of each page's result), following <c>nextCursor</c> for at
    /// most <see cref="MaxPages"/> pages.
    /// </summary>
    public static async Task<JsonArray> ListAllAsync(Func<string, JsonNode?, CancellationToken, Task<JsonNode?>> requestUpstream, string method, string key,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestUpstream);
        var all = new JsonArray();
        string? cursor = null;
        var pages = 0;
        do
        {
            if (++pages > MaxPages)
            {
                throw new McpException($"The upstream's {method} went on for more than {MaxPages} pages.");
            }

            var parameters = cursor is null ? null : new JsonObject { ["cursor"] = cursor };
            var page = await requestUpstream(method, parameters, cancellationToken).ConfigureAwait(false) as JsonObject;
            foreach (var item in page?[key] as JsonArray ?? [])
            {
                all.Add(item?.DeepClone());
            }

            cursor = page?["nextCursor"] is JsonValue next && next.TryGetValue(out string? text) ? text : null;
        }
        while (cursor is not null);

        return all;
    }

    /// <summary>
    /// The tools of a listing by name. An item no JSON reader can read (a name that is half of a surrogate pair, a
    /// key written twice) is left out: the gateway then treats it as a tool the server does not have.
    /// </summary>
    public static Dictionary<string, JsonObject> ByName(JsonArray tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var byName = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            try
            {
                if (tool is JsonObject definition && definition["name"] is JsonValue name && name.TryGetValue(out string? text))
                {
                    byName[text] = definition;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
            }
        }

        return byName;
    }

    /// <summary>Takes a complete, unpaginated list the client asked for, so no request of Gatehouse's own is needed.</summary>
    internal void Observe(JsonRpcRequest request, JsonRpcResponse response)
    {
        if (response.Result is JsonObject result && IsComplete(request, result) && result["tools"] is JsonArray tools)
        {
            lock (_gate)
            {
                _listing = Task.FromResult<IReadOnlyDictionary<string, JsonObject>>(ByName(tools));
                _listedAt = _time.GetTimestamp();
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, JsonObject>> ListAsync(CancellationToken cancellationToken) =>
        ByName(await ListAllAsync(_requestUpstream, RequestMethods.ToolsList, "tools", cancellationToken).ConfigureAwait(false));
}
