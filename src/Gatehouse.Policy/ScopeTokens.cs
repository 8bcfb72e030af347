namespace Gatehouse.Policy;

/// <summary>
/// The spelling of an OAuth scope (RFC 6749 §3.3, <c>scope-token</c>): one or more printable ASCII characters other than
/// space, <c>"</c> and <c>\</c>. A scope a grant or a rule names is asked for, granted and compared exactly as written.
/// </summary>
public static class ScopeTokens
{
    /// <summary>What a scope must be, for error messages that follow "a scope ...".</summary>
    public const string Description = "must be printable ASCII without spaces, '\"' or '\\' (an OAuth scope, RFC 6749 §3.3), such as 'listmonk:send'";

    /// <summary>Whether <paramref name="scope"/> is a scope token.</summary>
    public static bool IsValid(string? scope) =>
        !string.IsNullOrEmpty(scope) && scope.All(c => c is >= '\x21' and <= '\x7E' and not '"' and not '\\');
}
