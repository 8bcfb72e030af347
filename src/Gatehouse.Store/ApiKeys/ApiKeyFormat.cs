using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gatehouse.Store.ApiKeys;

/// <summary>
/// The text of an API key: <c>gh_</c>, a 16-hex-digit id, <c>_</c>, then 32 random bytes in base64url (43 characters).
/// The prefix lets secret scanners and people recognise a Gatehouse key; the id lets the store find the key
/// without scanning; the fixed length lets malformed input be refused before any work.
/// </summary>
internal static class ApiKeyFormat
{
    public const string Prefix = "gh_";
    public const int SecretBytes = 32;

    private const int IdBytes = 8;
    private const int IdLength = IdBytes * 2;
    private const int SecretLength = 43; // base64url of 32 bytes, unpadded
    private const char Separator = '_';
    private const int Length = 3 + IdLength + 1 + SecretLength;

    /// <summary>A new key with fresh randomness.</summary>
    public static (ParsedApiKey Parsed, string Text) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        return (new ParsedApiKey(id, secret), $"{Prefix}{id}{Separator}{Base64Url.EncodeToString(secret)}");
    }

    /// <summary>Splits a presented key into id and secret, or returns null when it is not exactly in the format.</summary>
    public static ParsedApiKey? TryParse(string? text)
    {
        if (text is null || text.Length != Length || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var id = text.AsSpan(Prefix.Length, IdLength);
        var secretText = text.AsSpan(Prefix.Length + IdLength + 1);
        if (text[Prefix.Length + IdLength] != Separator || !IsLowerHex(id) || !IsBase64Url(secretText))
        {
            return null;
        }

        var secret = new byte[SecretBytes];
        try
        {
            return Base64Url.TryDecodeFromChars(secretText, secret, out var written) && written == SecretBytes
                ? new ParsedApiKey(id.ToString(), secret)
                : null;
        }
        catch (FormatException)
        {
            // A last character whose unused bits are not zero is not canonical base64url: not a key Gatehouse made.
            return null;
        }
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    // Checked by hand because the decoder skips whitespace, which must not be part of a key.
    private static bool IsBase64Url(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The two parts of a well-formed key.</summary>
internal sealed record ParsedApiKey(string Id, byte[] Secret);
