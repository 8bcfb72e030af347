using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// What a decision may ask of the client whose request it decides, while the request waits: to be told it is still
/// being worked on, or to ask its user. The relay session implements it for its client.
/// </summary>
public interface IClientChannel
{
    /// <summary>Whether the client said, when it initialized, that it can ask its user for input (MCP elicitation).</summary>
    bool CanElicit { get; }

    /// <summary>
    /// Sends the client a progress notification for <paramref name="request"/>, still being decided (a call held for
    /// approval), when the request asked for progress; does nothing otherwise.
    /// </summary>
    Task ReportProgressAsync(JsonRpcRequest request, double progress, string message);

    /// <summary>
    /// Asks the client's user through the client (<c>elicitation/create</c> with <paramref name="parameters"/>), on the
    /// stream of <paramref name="request"/>, and returns the client's result.
    /// </summary>
    Task<JsonNode?> ElicitAsync(JsonRpcRequest request, JsonObject parameters, CancellationToken cancellationToken);
}

/// <summary>A client that can be asked nothing: the channel of a call decided outside any session.</summary>
public sealed class NoClientChannel : IClientChannel
{
    /// <summary>The one instance.</summary>
    public static NoClientChannel Instance { get; } = new();

    private NoClientChannel()
    {
    }

    /// <inheritdoc />
    public bool CanElicit => false;

    /// <inheritdoc />
    public Task ReportProgressAsync(JsonRpcRequest request, double progress, string message) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<JsonNode?> ElicitAsync(JsonRpcRequest request, JsonObject parameters, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This session cannot ask its client.");
}
