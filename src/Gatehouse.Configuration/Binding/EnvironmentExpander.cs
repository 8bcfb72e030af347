using System.Text;
using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

/// <summary>
/// Replaces <c>${env:NAME}</c> with the variable's value, so secrets stay out of the file. <c>$${env:</c>
/// stands for a literal <c>${env:</c>; every other <c>$</c> is left alone, so shell-like arguments and
/// other clients' <c>${...}</c> variables pass through untouched.
/// </summary>
internal sealed class EnvironmentExpander(Func<string, string?> environment, ConfigErrorList errors)
{
    private const string Reference = "${env:";
    private const string EscapedReference = "$" + Reference;

    /// <summary>Returns null, after reporting why, when a reference cannot be resolved.</summary>
    public string? Expand(JsonStringNode node, string field)
    {
        var text = node.Value;
        var result = new StringBuilder(text.Length);
        var failed = false;
        var i = 0;
        while (i < text.Length)
        {
            if (text.AsSpan(i).StartsWith(EscapedReference, StringComparison.Ordinal))
            {
                result.Append(Reference);
                i += EscapedReference.Length;
            }
            else if (text.AsSpan(i).StartsWith(Reference, StringComparison.Ordinal))
            {
                var nameStart = i + Reference.Length;
                var end = text.IndexOf('}', nameStart);
                if (end < 0)
                {
                    errors.Add(node.Position, field, "'${env:' has no closing '}'");
                    return null;
                }

                var name = text[nameStart..end];
                var value = name.Length == 0 ? null : environment(name);
                if (value is null)
                {
                    errors.Add(node.Position, field, name.Length == 0
                        ? "'${env:}' names no environment variable"
                        : $"environment variable '{name}' is not set");
                    failed = true;
                }

                result.Append(value);
                i = end + 1;
            }
            else
            {
                result.Append(text[i]);
                i++;
            }
        }

        return failed ? null : result.ToString();
    }
}
