using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gatehouse.Audit;

/// <summary>
/// Built-in redaction, applied to every recorded argument whatever the policy says: values under names that
/// mean a secret (<c>password</c>, <c>api_key</c>, <c>authorization</c>...) are replaced whole, and text that
/// looks like a credential (bearer tokens, JWTs, cloud and platform keys, private keys, passwords in URLs) is cut
/// out of any string it appears in.
/// </summary>
public static partial class SecretRedactor
{
    /// <summary>What a redacted value, or the secret part of a string, is replaced with.</summary>
    public const string Replacement = "[redacted]";

    // Compared with '_' and '-' removed and lowercased, so api_key, apiKey and API-KEY are one name. Matched at
    // the end of a name (client_secret, github_token), but not as a plural (max_tokens counts, it hides nothing).
    private static readonly string[] s_secretNameEndings =
    [
        "password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey", "accesskey", "secretkey",
        "credential", "credentials", "authorization", "cookie", "sessionid", "signature", "otp",
    ];

    /// <summary>Redacts <paramref name="arguments"/> in place and returns it (or the replacement for a root secret).</summary>
    public static JsonNode? Redact(JsonNode? arguments) => arguments switch
    {
        JsonObject obj => RedactObject(obj),
        JsonArray array => RedactArray(array),
        JsonValue value when value.TryGetValue(out string? text) => RedactText(text) is { } redacted ? JsonValue.Create(redacted) : value,
        _ => arguments,
    };

    /// <summary>True when a member named <paramref name="name"/> holds a secret, whatever its value looks like.</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<char> normalized = stackalloc char[Math.Min(name.Length, 128)];
        var length = 0;
        foreach (var c in name.AsSpan(0, normalized.Length))
        {
            if (c is not ('_' or '-' or ' ' or '.'))
            {
                normalized[length++] = char.ToLowerInvariant(c);
            }
        }

        var text = normalized[..length];
        foreach (var ending in s_secretNameEndings)
        {
            if (text.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text with every credential in it replaced, or null when it holds none.</summary>
    public static string? RedactText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var redacted = Credentials().Replace(text, match => match.Groups["keep"].Success ? match.Groups["keep"].Value + Replacement : Replacement);
            return redacted == text ? null : redacted;
        }
        catch (RegexMatchTimeoutException)
        {
            // Text too odd to scan in time is withheld whole rather than recorded unscanned.
            return Replacement;
        }
    }

    private static JsonObject RedactObject(JsonObject obj)
    {
        foreach (var name in obj.Select(property => property.Key).ToList())
        {
            var value = obj[name];
            Replace(obj, name, value, IsSecretName(name) ? RedactAll(value) : Redact(value));
        }

        return obj;
    }

    private static JsonArray RedactArray(JsonArray array)
    {
        for (var i = 0; i < array.Count; i++)
        {
            Replace(array, i, array[i], Redact(array[i]));
        }

        return array;
    }

    // Everything under a secret name is secret, however deeply it is nested ({ "credentials": { "user": ..., "key": ... } }).
    private static JsonNode? RedactAll(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(property => property.Key).ToList())
                {
                    Replace(obj, name, obj[name], RedactAll(obj[name]));
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Replace(array, i, array[i], RedactAll(array[i]));
                }

                return array;
            case null:
                return null;
            default:
                return JsonValue.Create(Replacement);
        }
    }

    // A node can be placed only where it has no parent yet: a value that came back unchanged stays where it is.
    private static void Replace(JsonObject parent, string name, JsonNode? before, JsonNode? after)
    {
        if (!ReferenceEquals(before, after))
        {
            parent[name] = after;
        }
    }

    private static void Replace(JsonArray parent, int index, JsonNode? before, JsonNode? after)
    {
        if (!ReferenceEquals(before, after))
        {
            parent[index] = after;
        }
    }

    // One alternation, so a string is scanned once. The "keep" group is the part of a match that is not secret
    // (the scheme of an Authorization value, the user of a URL), kept so the record still says what it was.
    [GeneratedRegex("""
        (?<keep>\b(?:Bearer|Basic|Token)\s+)[A-Za-z0-9\-._~+/]{8,}=*
        | \beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*
        | \bgh_[0-9a-f]{16}_[A-Za-z0-9_-]{20,}
        | \b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}
        | \bgithub_pat_[A-Za-z0-9_]{20,}
        | \bglpat-[A-Za-z0-9_-]{20,}
        | \b(?:AKIA|ASIA)[0-9A-Z]{16}\b
        | \bAIza[0-9A-Za-z_-]{35}
        | \bxox[abprs]-[A-Za-z0-9-]{10,}
        | \b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}
        | \bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}
        | -----BEGIN[A-Z ]*PRIVATE\ KEY-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE\ KEY-----|$)
        | (?<keep>\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s/@]+(?=@)
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Credentials();
}
