using System.Buffers;

namespace Gatehouse.Configuration.Binding;

/// <summary>RFC 9110 tokens, the syntax of header names; anything else would fail only when first sent.</summary>
internal static class HttpToken
{
    private static readonly SearchValues<char> Characters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsValid(string name) => name.Length > 0 && !name.AsSpan().ContainsAnyExcept(Characters);
}
