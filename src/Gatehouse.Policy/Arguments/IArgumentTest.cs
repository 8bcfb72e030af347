using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary>One check of a call's arguments: the schema, or one operator of one condition.</summary>
internal interface IArgumentTest
{
    /// <summary>What is checked, for traces, e.g. <c>schema</c> or <c>$.list_ids max_items</c>.</summary>
    string Label { get; }

    /// <summary>Null when <paramref name="arguments"/> pass; otherwise a refusal naming the path and the rule.</summary>
    string? Violation(JsonElement arguments);
}
