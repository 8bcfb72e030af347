using Gatehouse.Policy.Engine;

namespace Gatehouse.Policy.Parsing;

/// <summary>
/// The spelling of every enumerated word of the policy language, in one place so that parsing, messages
/// and output can never disagree.
/// </summary>
internal static class PolicyNames
{
    public static readonly IReadOnlyList<(string Name, RuleAction Value)> Actions =
        [("allow", RuleAction.Allow), ("deny", RuleAction.Deny), ("require_approval", RuleAction.RequireApproval)];

    /// <summary>A policy's <c>default</c> decides alone, so it cannot wait for approval.</summary>
    public static readonly IReadOnlyList<(string Name, RuleAction Value)> Defaults =
        [.. Actions.Where(action => action.Value != RuleAction.RequireApproval)];

    public static readonly IReadOnlyList<(string Name, CounterScope Value)> Scopes =
        [("grant", CounterScope.Grant), ("identity", CounterScope.Identity), ("session", CounterScope.Session), ("global", CounterScope.Global)];

    public static readonly IReadOnlyList<(string Name, CounterAlgorithm Value)> Algorithms =
        [("sliding_window", CounterAlgorithm.SlidingWindow), ("smooth", CounterAlgorithm.Smooth)];

    public static readonly IReadOnlyList<(string Name, ToolRisk Value)> Risks =
        [("low", ToolRisk.Low), ("medium", ToolRisk.Medium), ("high", ToolRisk.High), ("critical", ToolRisk.Critical)];

    public static readonly IReadOnlyList<(string Name, ToolCategory Value)> Categories =
        [("read", ToolCategory.Read), ("write", ToolCategory.Write), ("execute", ToolCategory.Execute), ("destructive", ToolCategory.Destructive), ("admin", ToolCategory.Admin)];

    public static readonly IReadOnlyList<(string Name, DecisionKind Value)> Kinds =
        [("allow", DecisionKind.Allow), ("deny", DecisionKind.Deny), ("require_approval", DecisionKind.RequireApproval), ("invalid_arguments", DecisionKind.InvalidArguments)];

    public static string Of(DecisionKind kind) => NameOf(Kinds, kind);

    public static string Of(CounterScope scope) => NameOf(Scopes, scope);

    public static string Of(CounterAlgorithm algorithm) => NameOf(Algorithms, algorithm);

    public static string Of(RuleAction action) => NameOf(Actions, action);

    private static string NameOf<T>(IReadOnlyList<(string Name, T Value)> names, T value) =>
        names.First(n => EqualityComparer<T>.Default.Equals(n.Value, value)).Name;
}
