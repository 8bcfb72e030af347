using System.Globalization;
using System.Text.Json.Nodes;

namespace Gatehouse.OperatorConsole.Components.Policies;

// A rule's rate limits in the long form (limits: counter, window, max, scope), beside the short rate_limit.
public sealed partial class PolicyDocument
{
    /// <summary>The counters the rule for <paramref name="name"/> names in its <c>limits</c>, in order.</summary>
    public IReadOnlyList<RateLimit> LimitsOf(string name) =>
        ((_root["tools"] as JsonObject)?[name] as JsonObject)?["limits"] is JsonArray limits
            ? [.. limits.Select(node => node as JsonObject ?? []).Select(limit => new RateLimit(
                Text(limit["counter"]) ?? "",
                limit["window"] is JsonValue window && window.TryGetValue<decimal>(out var seconds) ? seconds.ToString(CultureInfo.InvariantCulture) : Text(limit["window"]) ?? "",
                limit["max"] is JsonValue max && max.TryGetValue<int>(out var m) ? m : null,
                Text(limit["scope"]) ?? "grant"))]
            : [];

    /// <summary>Adds a counter to the rule for <paramref name="name"/>: 10 calls a minute per grant, for the operator to change.</summary>
    public void AddLimit(string name, string counter)
    {
        if (RuleObject(name) is not { } rule)
        {
            return;
        }

        if (rule["limits"] is not JsonArray limits)
        {
            limits = [];
            rule["limits"] = limits;
        }

        limits.Add(new JsonObject { ["counter"] = counter, ["window"] = "minute", ["max"] = 10, ["scope"] = "grant" });
    }

    /// <summary>
    /// Writes <paramref name="limit"/> over the counter at <paramref name="index"/>; whatever else it holds (its
    /// <c>algorithm</c>) stays. A window of digits is written as a number of seconds; an empty field is left out, for
    /// the compiler to say what is missing.
    /// </summary>
    public void SetLimit(string name, int index, RateLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (((_root["tools"] as JsonObject)?[name] as JsonObject)?["limits"] is not JsonArray limits || index < 0 || index >= limits.Count
            || limits[index] is not JsonObject written)
        {
            return;
        }

        var window = limit.Window.Trim();
        Set(written, "counter", string.IsNullOrWhiteSpace(limit.Counter) ? null : limit.Counter.Trim());
        Set(written, "window", window.Length == 0 ? null
            : decimal.TryParse(window, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ? (JsonNode)seconds : window);
        Set(written, "max", limit.Max);
        Set(written, "scope", limit.Scope);
    }

    /// <summary>Removes the counter at <paramref name="index"/> from the rule for <paramref name="name"/>.</summary>
    public void RemoveLimit(string name, int index)
    {
        if (((_root["tools"] as JsonObject)?[name] as JsonObject) is { } rule && rule["limits"] is JsonArray limits && index >= 0 && index < limits.Count)
        {
            limits.RemoveAt(index);
            if (limits.Count == 0)
            {
                rule.Remove("limits");
            }
        }
    }
}

/// <summary>A counter a rule names in its <c>limits</c>, as the builder's form shows it.</summary>
/// <param name="Counter">The counter's name; rules that name the same counter share one budget.</param>
/// <param name="Window">A duration as written: seconds (<c>60</c>), a unit (<c>minute</c>) or <c>90s</c>, <c>1h30m</c>.</param>
/// <param name="Max">At most this many calls in any interval of the window's length.</param>
/// <param name="Scope">Whose calls share the budget: <c>grant</c>, <c>identity</c>, <c>session</c> or <c>global</c>.</param>
public sealed record RateLimit(string Counter, string Window, int? Max, string Scope);
