using System.Text.RegularExpressions;

namespace Gatehouse.Configuration.Binding;

/// <summary>
/// Server names become URL segments (<c>/mcp/{server}</c>) and grant ids become counter keys and CLI
/// arguments, so both are kept to characters that need no escaping anywhere.
/// </summary>
internal static partial class NameRule
{
    public const string Description = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static bool IsValid(string name) => Pattern().IsMatch(name);

    // \z rather than $, which would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
