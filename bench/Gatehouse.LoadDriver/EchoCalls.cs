using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.LoadDriver;

/// <summary>The one call every scenario makes: <c>tools/call echo</c> with a short message.</summary>
internal static class EchoCalls
{
    public const string Message = "gatehouse load driver: echo me";

    /// <summary>No call is allowed to hang a run; a call this slow is counted as an error.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    // Shared and never mutated, so the client does the same work on every call and on every target.
    private static readonly IReadOnlyDictionary<string, object?> s_arguments = new Dictionary<string, object?> { ["message"] = Message };

    public static async Task<CallToolResult> CallAsync(McpClient client, CancellationToken cancellationToken) =>
        await client.CallToolAsync("echo", s_arguments, cancellationToken: cancellationToken);

    /// <summary>Whether the call ran and came back unchanged; a refusal or a wrong answer must not count as a fast call.</summary>
    public static bool Succeeded(CallToolResult result) =>
        result.IsError != true && result.Content is [TextContentBlock { Text: Message }];

    /// <summary>Calls with a per-call timeout; an exception or a bad result is reported as false.</summary>
    public static async Task<bool> TryCallAsync(McpClient client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            return Succeeded(await CallAsync(client, timeout.Token));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
