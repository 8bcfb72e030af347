using System.Text.Json.Nodes;
using Gatehouse.Relay.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// One upstream server as 2026-07-28 clients reach it: where their requests go, what tools it lists (for decisions, as a
/// session's <see cref="UpstreamTools"/> are for a session), and which versions it speaks.
/// </summary>
internal sealed class ModernServer : IAsyncDisposable
{
    /// <summary>How long the versions an upstream named are trusted before it is asked again.</summary>
    public static readonly TimeSpan DiscoveryMaxAge = TimeSpan.FromSeconds(60);

    private static readonly string s_gatehouseVersion = typeof(ModernServer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    private readonly TimeProvider _time;
    private readonly TimeSpan _callTimeout;
    private readonly Lock _gate = new();
    private Task<IReadOnlyList<string>>? _versions;
    private volatile bool _askAgain;
    private long _versionsAt;

    public ModernServer(IModernUpstream upstream, TimeSpan callTimeout, TimeProvider time)
    {
        Upstream = upstream;
        _callTimeout = callTimeout;
        _time = time;
        Tools = new UpstreamTools(RequestAsync, time);
    }

    public IModernUpstream Upstream { get; }

    /// <summary>The tools the upstream lists, shared by every 2026-07-28 caller: this revision's lists do not vary by connection.</summary>
    public UpstreamTools Tools { get; }

    /// <summary>
    /// The versions a client may speak with this server through Gatehouse: those its <c>server/discover</c> names that
    /// Gatehouse relays, or, when it does not answer one, the revisions opened with initialize (a client then falls back).
    /// <see cref="Accounts.UpstreamAccountRequiredException"/> when the person must connect their account there first.
    /// </summary>
    public Task<IReadOnlyList<string>> SupportedVersionsAsync()
    {
        lock (_gate)
        {
            if (_versions is null || (_versions.IsCompleted && (_askAgain || _time.GetElapsedTime(_versionsAt) > DiscoveryMaxAge)))
            {
                _askAgain = false;
                _versionsAt = _time.GetTimestamp();
                _versions = DiscoverVersionsAsync();
            }

            return _versions;
        }
    }

    /// <summary>
    /// Sends a request of Gatehouse's own and returns its result; an error answer throws, as does no answer within the
    /// server's call timeout (a tool list that never comes must not hold every decision that waits for it).
    /// </summary>
    public async Task<JsonNode?> RequestAsync(string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_callTimeout);
        try
        {
            return await RequestWithinAsync(method, parameters, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The upstream did not answer Gatehouse's '{method}' within {_callTimeout.TotalSeconds:0.###} s.");
        }
    }

    private async Task<JsonNode?> RequestWithinAsync(string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var request = new JsonRpcRequest
        {
            Id = new RequestId($"gatehouse-{Guid.NewGuid():N}"),
            Method = method,
            Params = WithMeta(parameters),
        };
        using var answer = await Upstream.SendAsync(request, [], cancellationToken).ConfigureAwait(false);
        await foreach (var message in answer.Messages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (message)
            {
                case JsonRpcResponse response:
                    return response.Result;
                case JsonRpcError error:
                    throw new McpProtocolException(error.Error.Message, (McpErrorCode)error.Error.Code);
            }
        }

        throw new IOException($"The upstream ended its answer to '{method}' without a result.");
    }

    /// <summary>The result of an answer that Gatehouse may pass on: a shared cache may not keep it, since it differs by caller.</summary>
    public static void MarkPrivate(JsonObject result)
    {
        result["cacheScope"] = "private";
        result.TryAdd("ttlMs", 0);
    }

    /// <summary>Keeps of a <c>server/discover</c> result's versions only those Gatehouse relays.</summary>
    public static void KeepRelayedVersions(JsonObject result)
    {
        if (result["supportedVersions"] is JsonArray versions)
        {
            result["supportedVersions"] = new JsonArray([.. Relayed(versions).Select(v => (JsonNode)v)]);
        }
    }

    public ValueTask DisposeAsync() => Upstream.DisposeAsync();

    private async Task<IReadOnlyList<string>> DiscoverVersionsAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            if (await RequestAsync(ModernProtocol.Discover, null, timeout.Token).ConfigureAwait(false) is JsonObject { } result &&
                result["supportedVersions"] is JsonArray versions && Relayed(versions) is { Count: > 0 } relayed)
            {
                return relayed;
            }
        }
        catch (Accounts.UpstreamAccountRequiredException)
        {
            // The person must connect (again) before the server answers them at all: they are refused with the link, as a
            // session would refuse them (a server of this revision alone has no session to fall back to), and the server
            // is asked again once they have, rather than its silence kept for them until the answer is old.
            _askAgain = true;
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not a server of this revision, or not reachable now: the revisions opened with initialize are still offered.
        }

        return [.. McpProtocolHeaders.RelayedVersions.OrderDescending(StringComparer.Ordinal)];
    }

    private static List<string> Relayed(JsonArray versions) =>
        [.. versions.OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var version) ? version : null)
            .OfType<string>()
            .Where(ModernProtocol.SupportedVersions.Contains)];

    private static JsonObject WithMeta(JsonNode? parameters)
    {
        var copy = parameters?.DeepClone() as JsonObject ?? [];
        copy["_meta"] = new JsonObject
        {
            [ModernProtocol.ProtocolVersionKey] = ModernProtocol.Version,
            [ModernProtocol.ClientCapabilitiesKey] = new JsonObject(),
            ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "gatehouse", ["version"] = s_gatehouseVersion },
        };
        return copy;
    }
}
