using System.Globalization;

namespace Gatehouse.Soak;

/// <summary>
/// The policy the soak runs under, in two valid variants that the soak alternates between while the gateway runs.
/// Both decide every call the same way; they differ in the denial's reason (which names the variant, so a client
/// sees which one decided it) and in their budgets, so that a reload really replaces the compiled policy.
/// </summary>
internal static class SoakPolicy
{
    /// <summary>The demo server's tools that both variants allow without conditions.</summary>
    public static readonly string[] AllowedTools = ["get_mailing_lists", "get_campaigns", "check_listmonk_health"];

    /// <summary>Denied by a glob rule; never reaches the server.</summary>
    public const string DeniedTool = "delete_mailing_list";

    /// <summary>Allowed under a rate limit the load always exhausts, so most of its calls are refused.</summary>
    public const string LimitedTool = "send_campaign";

    /// <summary>Allowed when its <c>per_page</c> argument passes the condition.</summary>
    public const string CheckedTool = "get_list_subscribers_tool";

    /// <summary>A <c>per_page</c> both variants accept, and one both refuse.</summary>
    public const int GoodPerPage = 10, BadPerPage = 100;

    public static string Tag(int variant) => $"soak policy {(variant == 0 ? 'A' : 'B')}";

    public static string Text(int variant) => string.Format(CultureInfo.InvariantCulture, """
        {{
          "version": "1",
          "default": "deny",
          "tools": {{
            "get_*": {{ "action": "allow" }},
            "check_listmonk_health": {{ "action": "allow" }},
            "delete_*": {{ "action": "deny", "reason": "Deleting is done by people ({0})." }},
            "send_campaign": {{ "rate_limit": {{ "max": {1}, "window": 60 }} }},
            "get_list_subscribers_tool": {{ "arguments": {{ "conditions": {{ "per_page": {{ "max": {2} }}, "list_id": {{ "min": 1 }} }} }} }}
          }}
        }}
        """, Tag(variant), variant == 0 ? 20 : 30, variant == 0 ? 50 : 40);
}
