using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.OperatorConsole.Components.Policies;

/// <summary>
/// A policy's JSON as the builder's form reads and changes it. The form edits only what it shows (a rule's action,
/// reason, approval, limits and argument conditions, the default); everything else a rule holds (an argument schema,
/// redactions) is kept as written, so the JSON and the form never disagree on what the policy says.
/// </summary>
public sealed partial class PolicyDocument
{
    // Written for people: a reason's "é" or a path's quote stays readable rather than becoming \u00E9 or \u0022.
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // What the form shows of a rule; a rule with anything else is marked as having more in the JSON.
    private static readonly HashSet<string> s_shown = ["action", "reason", "rate_limit", "approvers", "approvals", "timeout", "limits", "arguments"];
    private readonly JsonObject _root;

    private PolicyDocument(JsonObject root) => _root = root;

    /// <summary>The document of <paramref name="text"/>, or null when it is not a JSON object (the compiler says why).</summary>
    public static PolicyDocument? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) is JsonObject root
                ? new PolicyDocument(root)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The action for tools no rule selects: <c>allow</c> or <c>deny</c>.</summary>
    public string Default
    {
        get => _root["default"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "deny";
        set => _root["default"] = value;
    }

    /// <summary>The names and globs the <c>tools</c> section has a rule for, in the order written.</summary>
    public IReadOnlyList<string> ToolRules => _root["tools"] is JsonObject tools ? [.. tools.Select(t => t.Key)] : [];

    /// <summary>What the rule for <paramref name="name"/> (a tool name or glob) says, or null when there is none.</summary>
    public ToolRule? RuleFor(string name)
    {
        return (_root["tools"] as JsonObject)?[name] switch
        {
            JsonValue value when value.TryGetValue<string>(out var action) => new ToolRule(action, null, null, null, Detailed: false),
            JsonObject rule => new ToolRule(
                Text(rule["action"]) ?? "allow",
                Text(rule["reason"]),
                (rule["rate_limit"] as JsonObject)?["max"] is JsonValue max && max.TryGetValue<int>(out var m) ? m : null,
                (rule["rate_limit"] as JsonObject)?["window"] is JsonValue window && window.TryGetValue<int>(out var w) ? w : null,
                Detailed: rule.Any(p => !s_shown.Contains(p.Key)) || HasArgumentsBeyondConditions(rule))
            {
                Approvers = rule["approvers"] is JsonArray approvers ? [.. approvers.Select(Text).OfType<string>()] : [],
                Approvals = rule["approvals"] is JsonValue approvals && approvals.TryGetValue<int>(out var n) ? n : null,
                Timeout = Text(rule["timeout"]),
            },
            _ => null,
        };
    }

    /// <summary>
    /// Sets the rule for <paramref name="name"/>: its action, the reason an agent reads, and at most
    /// <paramref name="max"/> calls in any <paramref name="windowSeconds"/>; a null action removes the rule. What else
    /// the rule holds stays; a reason or limit a denied call cannot use is dropped, as the compiler requires.
    /// </summary>
    public void SetRule(string name, string? action, string? reason, int? max, int? windowSeconds)
    {
        if (_root["tools"] is not JsonObject tools)
        {
            tools = [];
            _root["tools"] = tools;
        }

        if (action is null)
        {
            tools.Remove(name);
            return;
        }

        var rule = tools[name] as JsonObject ?? [];
        tools[name] = rule;
        rule["action"] = action;
        Set(rule, "reason", string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
        Set(rule, "rate_limit", action == "deny" || max is null
            ? null
            : new JsonObject { ["max"] = max.Value, ["window"] = windowSeconds ?? 60 });
        if (action != "require_approval")
        {
            foreach (var key in new[] { "approvers", "approvals", "approve_via", "timeout" })
            {
                rule.Remove(key);
            }
        }

        if (action == "deny")
        {
            foreach (var key in new[] { "limits", "arguments" })
            {
                rule.Remove(key);
            }
        }
    }

    /// <summary>The rule for <paramref name="name"/> as written (an action alone, or an object), or null when there is none.</summary>
    public JsonNode? RuleJson(string name) => (_root["tools"] as JsonObject)?[name];

    /// <summary>Puts <paramref name="rule"/> (a copy) as the rule for <paramref name="name"/>, in place of the one it has.</summary>
    public void PutRule(string name, JsonNode rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (_root["tools"] is not JsonObject tools)
        {
            tools = [];
            _root["tools"] = tools;
        }

        tools[name] = rule.DeepClone();
    }

    /// <summary>
    /// Sets who may release a call the rule for <paramref name="name"/> holds (none: anyone with the approver role),
    /// how many of them must, and how long it may wait (a duration such as <c>30m</c>; null for the default).
    /// </summary>
    public void SetApproval(string name, IReadOnlyList<string> approvers, int? approvals, string? timeout)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        if ((_root["tools"] as JsonObject)?[name] is not JsonObject rule)
        {
            return;
        }

        var names = approvers.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        Set(rule, "approvers", names.Count == 0 ? null : new JsonArray([.. names.Select(a => (JsonNode)a)]));
        Set(rule, "approvals", approvals is > 1 ? approvals.Value : null);
        Set(rule, "timeout", string.IsNullOrWhiteSpace(timeout) ? null : timeout.Trim());
    }

    /// <summary>The <c>classes</c> rules, in order (a class rule is named by its position, <c>classes[0]</c>).</summary>
    public IReadOnlyList<ClassRule> ClassRules =>
        _root["classes"] is JsonArray classes
            ? [.. classes.Select((node, index) => node is JsonObject rule
                ? new ClassRule(index, Values(rule["risk"]), Values(rule["category"]), Text(rule["action"]) ?? "allow", Text(rule["reason"]))
                : new ClassRule(index, [], [], "?", null))]
            : [];

    /// <summary>Adds a rule for tools of <paramref name="risk"/> and <paramref name="category"/> (null: any) at the end.</summary>
    public void AddClassRule(string? risk, string? category, string action, string? reason)
    {
        if (_root["classes"] is not JsonArray classes)
        {
            classes = [];
            _root["classes"] = classes;
        }

        var rule = new JsonObject();
        Set(rule, "risk", risk);
        Set(rule, "category", category);
        rule["action"] = action;
        Set(rule, "reason", string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
        classes.Add(rule);
    }

    /// <summary>Removes the class rule at <paramref name="index"/> (the later ones move up, and with them their names).</summary>
    public void RemoveClassRule(int index)
    {
        if (_root["classes"] is JsonArray classes && index >= 0 && index < classes.Count)
        {
            classes.RemoveAt(index);
            if (classes.Count == 0)
            {
                _root.Remove("classes");
            }
        }
    }

    /// <summary>The document as indented JSON, as the builder shows and saves it.</summary>
    public string ToJson() => _root.ToJsonString(s_indented) + "\n";

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    // A class rule's risk or category: one value or a list of them.
    private static IReadOnlyList<string> Values(JsonNode? node) => node switch
    {
        JsonArray list => [.. list.Select(Text).OfType<string>()],
        _ when Text(node) is { } one => [one],
        _ => [],
    };

    private static void Set(JsonObject rule, string key, JsonNode? value)
    {
        if (value is null)
        {
            rule.Remove(key);
        }
        else
        {
            rule[key] = value;
        }
    }
}

/// <summary>What a rule of the <c>tools</c> section says, as the builder's form shows it.</summary>
/// <param name="Action"><c>allow</c>, <c>deny</c> or <c>require_approval</c>.</param>
/// <param name="Reason">What an agent is told when the rule refuses or holds its call.</param>
/// <param name="Max">At most this many calls in any <paramref name="WindowSeconds"/> (the <c>rate_limit</c> short form).</param>
/// <param name="WindowSeconds">The rate limit's window.</param>
/// <param name="Detailed">The rule holds more than the form shows (an argument schema, redactions): edit those in the JSON.</param>
public sealed record ToolRule(string Action, string? Reason, int? Max, int? WindowSeconds, bool Detailed)
{
    /// <summary>Who may release a held call; empty for anyone with the approver role.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>How many distinct approvers must approve; null for one.</summary>
    public int? Approvals { get; init; }

    /// <summary>How long a held call may wait, as written (<c>30m</c>); null for the default.</summary>
    public string? Timeout { get; init; }
}

/// <summary>A rule of the <c>classes</c> section: tools of one of its risks and one of its categories (empty: any).</summary>
public sealed record ClassRule(int Index, IReadOnlyList<string> Risks, IReadOnlyList<string> Categories, string Action, string? Reason);
