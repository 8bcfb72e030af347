using System.Text.Json;
using Gatehouse.Policy.Arguments;

namespace Gatehouse.Policy.Engine;

/// <summary>
/// One compiled rule. Its decision is built once, at compile time, so a call that needs no argument check
/// is decided by returning a shared object.
/// </summary>
internal sealed class PolicyRule(string id, IRuleSelector selector, RuleAction action, int order, PolicyDecision decision, ArgumentCheck? arguments)
{
    /// <summary>The rule's name in decisions and traces, e.g. <c>tools.send_campaign</c>.</summary>
    public string Id { get; } = id;

    public IRuleSelector Selector { get; } = selector;

    public RuleLevel Level => Selector.Level;

    public RuleAction Action { get; } = action;

    /// <summary>Position among the rules of its section in the document; breaks ties between equals.</summary>
    public int Order { get; } = order;

    public PolicyDecision Decision { get; } = decision;

    public ArgumentCheck? Arguments { get; } = arguments;

    public PolicyDecision Decide(JsonElement? callArguments) =>
        Arguments?.FindViolation(callArguments) is { } violation ? Decision.AsInvalidArguments(violation) : Decision;
}
