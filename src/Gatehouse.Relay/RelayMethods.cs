using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// The client-to-server methods the relay knows, and which of them pass the decision point.
/// </summary>
/// <remarks>
/// A method missing here is refused unless the server lets unknown methods through: a method added
/// to the protocol later could act or read, and the decision point would never see it.
/// </remarks>
public static class RelayMethods
{
    /// <summary>Requests that act or read: each is decided before it reaches the upstream.</summary>
    public static readonly IReadOnlySet<string> Decided = new HashSet<string>(StringComparer.Ordinal)
    {
        RequestMethods.ToolsCall,
        RequestMethods.ResourcesRead,
        RequestMethods.ResourcesSubscribe,
        RequestMethods.PromptsGet,
        RequestMethods.CompletionComplete,
    };

    /// <summary>Requests whose results are filtered by the decision point before the client sees them.</summary>
    public static readonly IReadOnlySet<string> Lists = new HashSet<string>(StringComparer.Ordinal)
    {
        RequestMethods.ToolsList,
        RequestMethods.ResourcesList,
        RequestMethods.ResourcesTemplatesList,
        RequestMethods.PromptsList,
    };

    /// <summary>Requests that neither act nor reveal anything the policy governs: relayed unchanged.</summary>
    public static readonly IReadOnlySet<string> PassThrough = new HashSet<string>(StringComparer.Ordinal)
    {
        RequestMethods.Initialize,
        RequestMethods.Ping,
        "logging/setLevel",
        RequestMethods.ResourcesUnsubscribe,
        "tasks/get",
        "tasks/result",
        "tasks/list",
        "tasks/cancel",
    };

    /// <summary>The notifications a client sends a server: relayed unchanged. Any other is dropped, as an unknown request is refused.</summary>
    public static readonly IReadOnlySet<string> ClientNotifications = new HashSet<string>(StringComparer.Ordinal)
    {
        NotificationMethods.InitializedNotification,
        NotificationMethods.CancelledNotification,
        NotificationMethods.ProgressNotification,
        // Roots are deprecated by the 2026-07-28 revision, yet live in the revisions Gatehouse relays.
        "notifications/roots/list_changed",
        "notifications/tasks/status",
    };

    /// <summary>Whether the relay knows <paramref name="method"/> as a client request.</summary>
    public static bool IsKnown(string method) =>
        Decided.Contains(method) || Lists.Contains(method) || PassThrough.Contains(method);
}
