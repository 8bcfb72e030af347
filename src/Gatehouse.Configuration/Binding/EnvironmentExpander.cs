using System.Text;
using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

/// <summary>
/// Replaces <c>${env:NAME}</c> with the environment variable's value and <c>${file:PATH}</c> with a file's content
/// (its trailing line break removed; the path relative to the configuration file), so secrets stay out of the
/// file. <c>$${env:</c> and <c>$${file:</c> stand for the literal text; every other <c>$</c> is left alone, so
/// shell-like arguments and other clients' <c>${...}</c> variables pass through untouched.
/// </summary>
internal sealed class EnvironmentExpander(Func<string, string?> environment, string configDirectory, ConfigErrorList errors)
{
    private static readonly string[] s_references = ["${env:", "${file:"];

    /// <summary>Returns null, after reporting why, when a reference cannot be resolved.</summary>
    public string? Expand(JsonStringNode node, string field)
    {
        var text = node.Value;
        var result = new StringBuilder(text.Length);
        var failed = false;
        var i = 0;
        while (i < text.Length)
        {
            var rest = text.AsSpan(i);
            if (rest.StartsWith("$") && StartingReference(rest[1..]) is { } escaped)
            {
                result.Append(escaped);
                i += 1 + escaped.Length;
            }
            else if (StartingReference(rest) is { } reference)
            {
                var nameStart = i + reference.Length;
                var end = text.IndexOf('}', nameStart);
                if (end < 0)
                {
                    errors.Add(node.Position, field, $"'{reference}' has no closing '}}'");
                    return null;
                }

                var value = Resolve(reference, text[nameStart..end], out var error);
                if (value is null)
                {
                    errors.Add(node.Position, field, error!);
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

    private static string? StartingReference(ReadOnlySpan<char> text)
    {
        foreach (var reference in s_references)
        {
            if (text.StartsWith(reference, StringComparison.Ordinal))
            {
                return reference;
            }
        }

        return null;
    }

    private string? Resolve(string reference, string name, out string? error)
    {
        error = null;
        if (name.Length == 0)
        {
            error = reference == "${env:" ? "'${env:}' names no environment variable" : "'${file:}' names no file";
            return null;
        }

        if (reference == "${env:")
        {
            var value = environment(name);
            error = value is null ? $"environment variable '{name}' is not set" : null;
            return value;
        }

        var path = Path.GetFullPath(name, configDirectory);
        try
        {
            return File.ReadAllText(path).TrimEnd('\r', '\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The message names the file, never its content.
            error = $"secret file '{path}' cannot be read ({ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)})";
            return null;
        }
    }
}
