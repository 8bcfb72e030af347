using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>A server that takes 2026-07-28 requests one at a time, each answered on its own: over HTTP, or a pool of processes.</summary>
internal interface IModernUpstream : IAsyncDisposable
{
    /// <summary>
    /// Sends <paramref name="request"/> (with the client's <c>Mcp-Param-*</c> headers, where the transport has headers) and
    /// returns the answer as it begins: its status and the messages that follow. Cancelling the token abandons the request.
    /// </summary>
    Task<UpstreamAnswer> SendAsync(JsonRpcRequest request, IReadOnlyList<KeyValuePair<string, string>> paramHeaders, CancellationToken cancellationToken);
}

/// <summary>
/// What an upstream answered one request: the HTTP status it chose (200 on stdio, where errors carry no status), and the
/// messages on the answer: notifications about the request, then its response, or for <c>subscriptions/listen</c> a stream.
/// </summary>
internal sealed class UpstreamAnswer(int status, bool streamed, IAsyncEnumerable<JsonRpcMessage> messages, IDisposable? owner = null) : IDisposable
{
    /// <summary>The <see cref="Status"/> of a transport without one: the status is then the one HTTP gives the answer's error.</summary>
    public const int StatusOfError = 0;

    public int Status { get; } = status;

    /// <summary>The HTTP status of <paramref name="answer"/>: the upstream's, or over stdio the one the revision gives its error code.</summary>
    public int StatusOf(JsonRpcMessage answer) => Status != StatusOfError ? Status : answer switch
    {
        JsonRpcError { Error.Code: -32601 } => 404,
        JsonRpcError { Error.Code: -32020 or -32021 or -32022 } => 400,
        _ => 200,
    };

    /// <summary>Whether the upstream answered with an event stream rather than one JSON message.</summary>
    public bool Streamed { get; } = streamed;

    public IAsyncEnumerable<JsonRpcMessage> Messages { get; } = messages;

    /// <summary>The same answer, each of its messages shown to <paramref name="observe"/> as it is read.</summary>
    public UpstreamAnswer Observed(Action<JsonRpcMessage> observe) => new(Status, Streamed, Observe(Messages, observe), owner);

    public void Dispose() => owner?.Dispose();

    private static async IAsyncEnumerable<JsonRpcMessage> Observe(IAsyncEnumerable<JsonRpcMessage> messages, Action<JsonRpcMessage> observe)
    {
        await foreach (var message in messages.ConfigureAwait(false))
        {
            observe(message);
            yield return message;
        }
    }
}
