using System.Text.Json;
using Gatehouse.Policy.Arguments;
using Gatehouse.Policy.Engine;
using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Parsing;

/// <summary>
/// Reads one rule, written either as an object or, for short, as its action alone (<c>"get_*": "allow"</c>),
/// and builds its decision once.
/// </summary>
internal sealed class RuleParser(NodeReader read)
{
    private static readonly string[] _commonFields = ["action", "reason", "limits", "rate_limit", "redact", "scopes", .. ApprovalParser.Fields];

    private readonly NodeReader _read = read;
    private readonly CounterParser _counters = new(read);
    private readonly ApprovalParser _approvals = new(read);
    private readonly ArgumentsParser _arguments = new(read);

    /// <summary>A rule for the policy's <c>default</c>, which applies when no other rule selects a call.</summary>
    public static PolicyRule Default(RuleAction action) => new(
        "default",
        DefaultSelector.Instance,
        action,
        order: 0,
        new PolicyDecision(
            action == RuleAction.Deny ? DecisionKind.Deny : DecisionKind.Allow,
            "default",
            action == RuleAction.Deny ? "not allowed by this policy: no rule selects it and the default is deny" : null,
            [],
            null,
            [],
            []),
        arguments: null);

    /// <summary>The rule, or null when it has errors (reported).</summary>
    public PolicyRule? Parse(Node node, string ruleId, IRuleSelector selector, Section section, int order)
    {
        if (node.Kind == JsonValueKind.String)
        {
            return _read.Choice(node, PolicyNames.Actions, out var shortAction)
                ? Build(ruleId, selector, shortAction, order, reason: null, [], null, [], [], null)
                : null;
        }
        if (node.Kind != JsonValueKind.Object)
        {
            _read.Diagnostics.Error(node.Path, $"must be a rule (an object, or one of \"allow\", \"deny\", \"require_approval\"), found {NodeReader.Describe(node.Element)}");
            return null;
        }
        var errorsBefore = _read.Diagnostics.Count;
        _read.Object(node, "a rule", FieldsOf(section));
        var action = RuleAction.Allow;
        var actionKnown = NodeReader.Field(node, "action") is not { } actionNode || _read.Choice(actionNode, PolicyNames.Actions, out action);
        var reason = NodeReader.Field(node, "reason") is { } reasonNode ? _read.String(reasonNode) : null;
        var counters = _counters.Parse(node, ruleId) ?? [];
        var approval = _approvals.Parse(node);
        var redact = Redact(node);
        var scopes = Scopes(node);
        var arguments = NodeReader.Field(node, "arguments") is { } argumentsNode ? _arguments.Parse(argumentsNode, ruleId) : null;
        if (actionKnown)
        {
            CheckFieldsFitAction(node, action);
        }
        if (_read.Diagnostics.Count != errorsBefore)
        {
            return null;
        }
        return Build(ruleId, selector, action, order, reason, counters, action == RuleAction.RequireApproval ? approval : null, redact, scopes, arguments);
    }

    private static string[] FieldsOf(Section section) => section switch
    {
        Section.Resources => _commonFields,
        Section.Classes => [.. _commonFields, "arguments", "risk", "category"],
        _ => [.. _commonFields, "arguments"],
    };

    private static PolicyRule Build(
        string ruleId,
        IRuleSelector selector,
        RuleAction action,
        int order,
        string? reason,
        IReadOnlyList<CounterRequirement> counters,
        ApprovalRequirement? approval,
        IReadOnlyList<string> redact,
        IReadOnlyList<string> scopes,
        ArgumentCheck? arguments)
    {
        var (kind, fallbackReason) = action switch
        {
            RuleAction.Deny => (DecisionKind.Deny, $"denied by policy rule {ruleId}"),
            RuleAction.RequireApproval => (DecisionKind.RequireApproval, $"needs a person's approval (policy rule {ruleId})"),
            _ => (DecisionKind.Allow, null),
        };
        var decision = new PolicyDecision(
            kind,
            ruleId,
            reason ?? fallbackReason,
            counters,
            approval ?? (action == RuleAction.RequireApproval ? new ApprovalRequirement([], 1, null, null) : null),
            redact,
            scopes);
        return new PolicyRule(ruleId, selector, action, order, decision, arguments);
    }

    private List<string> Redact(Node rule)
    {
        if (NodeReader.Field(rule, "redact") is not { } redact)
        {
            return [];
        }
        var paths = new List<string>();
        foreach (var item in _read.Array(redact) ?? [])
        {
            if (_read.String(item) is { } text && _arguments.Path(text, item.Path, isKey: false) is { } path)
            {
                paths.Add(path.Text);
            }
        }
        return paths;
    }

    // The scopes a caller's OAuth token must carry for a call this rule selects (the grant's own come on top).
    private List<string> Scopes(Node rule)
    {
        if (NodeReader.Field(rule, "scopes") is not { } node)
        {
            return [];
        }
        var scopes = new List<string>();
        foreach (var item in _read.Array(node) ?? [])
        {
            if (_read.String(item) is not { } scope)
            {
                continue;
            }
            if (!ScopeTokens.IsValid(scope))
            {
                _read.Diagnostics.Error(item.Path, $"a scope {ScopeTokens.Description}, not {PolicyPath.Quote(scope)}");
            }
            else if (scopes.Contains(scope))
            {
                _read.Diagnostics.Error(item.Path, $"scope {PolicyPath.Quote(scope)} is listed twice");
            }
            else
            {
                scopes.Add(scope);
            }
        }
        return scopes;
    }

    // Fields that can never take effect under the rule's action are refused rather than silently ignored.
    private void CheckFieldsFitAction(Node rule, RuleAction action)
    {
        if (action == RuleAction.Deny)
        {
            foreach (var field in new[] { "limits", "rate_limit", "arguments", "scopes" })
            {
                if (NodeReader.Field(rule, field) is { } present)
                {
                    _read.Diagnostics.KeyError(present.Path, $"a deny rule never lets the call run, so its {PolicyPath.Quote(field)} would never apply");
                }
            }
        }
        if (action != RuleAction.RequireApproval)
        {
            foreach (var field in ApprovalParser.Fields)
            {
                if (NodeReader.Field(rule, field) is { } present)
                {
                    _read.Diagnostics.KeyError(present.Path, $"{PolicyPath.Quote(field)} applies only to a rule with \"action\": \"require_approval\"");
                }
            }
        }
    }
}
