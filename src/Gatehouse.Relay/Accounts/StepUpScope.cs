namespace Gatehouse.Relay.Accounts;

/// <summary>
/// The scopes to ask a person for when the upstream wants more than they allowed (its <c>insufficient_scope</c>): the union of
/// those held and those asked for, so that allowing the new one does not lose the old.
/// </summary>
internal static class StepUpScope
{
    /// <summary>The union of <paramref name="held"/> and <paramref name="asked"/>, or null when nothing asked for is new (no step-up).</summary>
    public static string? Of(string? held, string? asked)
    {
        var had = Split(held);
        var wanted = Split(asked);
        return had.Length == 0 || wanted.All(had.Contains) ? null : Union(held, asked);
    }

    /// <summary>Both lists of scopes as one, each once, in the order first named; null when both are empty.</summary>
    public static string? Union(string? first, string? second) =>
        Split(first).Concat(Split(second)).Distinct(StringComparer.Ordinal).ToArray() is { Length: > 0 } all ? string.Join(' ', all) : null;

    private static string[] Split(string? scope) => scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
}
