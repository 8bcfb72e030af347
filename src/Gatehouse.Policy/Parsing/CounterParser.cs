using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Parsing;

/// <summary>
/// Reads a rule's <c>limits</c> and its <c>rate_limit</c> block. Counters with the same name are one budget
/// across the whole policy, so every mention of a name must agree on window, max, scope and algorithm; one instance
/// of this class sees every rule of a policy to check that.
/// </summary>
internal sealed class CounterParser(NodeReader read)
{
    private static readonly string[] _limitFields = ["counter", "window", "max", "scope", "algorithm"];
    private static readonly string[] _rateLimitFields = ["max", "window", "scope", "algorithm"];

    private readonly Dictionary<string, (CounterRequirement Counter, string Path)> _seen = new(StringComparer.Ordinal);

    /// <summary>The counters of one rule; null when any is invalid (already reported).</summary>
    public IReadOnlyList<CounterRequirement>? Parse(Node rule, string ruleId)
    {
        var counters = new List<CounterRequirement>();
        var valid = true;
        if (NodeReader.Field(rule, "limits") is { } limits)
        {
            var items = read.Array(limits);
            valid &= items is not null;
            foreach (var limit in items ?? [])
            {
                valid &= Add(counters, limit, _limitFields, name: null);
            }
        }
        if (NodeReader.Field(rule, "rate_limit") is { } rateLimit)
        {
            // The block form names no counter; the rule's id does, so the budget is this rule's own.
            valid &= Add(counters, rateLimit, _rateLimitFields, name: ruleId);
        }
        return valid ? counters : null;
    }

    private bool Add(List<CounterRequirement> counters, Node limit, string[] fields, string? name)
    {
        if (!read.Object(limit, name is null ? "a limit" : "a rate_limit", fields))
        {
            return false;
        }
        name ??= read.Required(limit, "counter") is { } counterNode ? read.String(counterNode) : null;
        var window = Window(read.Required(limit, "window"));
        var max = read.Required(limit, "max") is { } maxNode ? read.Integer(maxNode, minimum: 1) : null;
        var scope = CounterScope.Grant;
        var scopeValid = NodeReader.Field(limit, "scope") is not { } scopeNode || read.Choice(scopeNode, PolicyNames.Scopes, out scope);
        var algorithm = CounterAlgorithm.SlidingWindow;
        var algorithmValid = NodeReader.Field(limit, "algorithm") is not { } algorithmNode || read.Choice(algorithmNode, PolicyNames.Algorithms, out algorithm);
        if (name is null || window is null || max is null || !scopeValid || !algorithmValid)
        {
            return false;
        }
        var counter = new CounterRequirement(name, window.Value, max.Value, scope, algorithm);
        if (counters.Any(existing => existing.Name == name))
        {
            read.Diagnostics.Error(limit.Path, $"counter {PolicyPath.Quote(name)} is already listed in this rule; a call consumes each counter once");
            return false;
        }
        if (_seen.TryGetValue(name, out var first) && first.Counter != counter)
        {
            read.Diagnostics.Error(limit.Path,
                $"counter {PolicyPath.Quote(name)} is defined differently at {first.Path} ({Describe(first.Counter)}); counters with the same name share one budget, so they must agree");
            return false;
        }
        _seen.TryAdd(name, (counter, limit.Path));
        counters.Add(counter);
        return true;
    }

    private TimeSpan? Window(Node? node)
    {
        if (node is not { } window)
        {
            return null;
        }
        if (Durations.TryRead(window.Element, out var duration, out var error))
        {
            return duration;
        }
        read.Diagnostics.Error(window.Path, "window " + error);
        return null;
    }

    private static string Describe(CounterRequirement counter) =>
        $"window {Durations.Format(counter.Window)}, max {counter.Max}, scope {PolicyNames.Of(counter.Scope)}, algorithm {PolicyNames.Of(counter.Algorithm)}";
}
