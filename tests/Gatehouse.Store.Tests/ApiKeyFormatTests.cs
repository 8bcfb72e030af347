using System.Buffers.Text;
using Gatehouse.Store.ApiKeys;

namespace Gatehouse.Store.Tests;

public sealed class ApiKeyFormatTests
{
    private static readonly string s_key = ApiKeyFormat.Generate().Text;

    [Fact]
    public void A_key_is_the_prefix_an_id_and_32_random_bytes_and_parses_back()
    {
        var (parsed, text) = ApiKeyFormat.Generate();

        Assert.Matches("^gh_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", text);
        Assert.Equal(32, Base64Url.DecodeFromChars(text.AsSpan(20)).Length);
        var again = ApiKeyFormat.TryParse(text);
        Assert.NotNull(again);
        Assert.Equal(parsed.Id, again.Id);
        Assert.Equal(parsed.Secret, again.Secret);
        Assert.NotEqual(text, ApiKeyFormat.Generate().Text);
    }

    public static TheoryData<string, string?> Malformed => new()
    {
        { "null", null },
        { "empty", "" },
        { "whitespace", "   " },
        { "prefix only", "gh_" },
        { "wrong prefix", "gx_" + s_key[3..] },
        { "upper-case prefix", "GH_" + s_key[3..] },
        { "no prefix", s_key[3..] },
        { "huge", s_key + new string('A', 1_000_000) },
        { "one character more", s_key + "A" },
        { "one character less", s_key[..^1] },
        { "non-base64 secret", s_key[..^2] + "!!" },
        { "padded secret", s_key[..^1] + "=" },
        { "space in secret", s_key[..30] + " " + s_key[31..] },
        { "non-ASCII in secret", s_key[..30] + "é" + s_key[31..] },
        { "upper-case id", "gh_ABCDEF0123456789" + s_key[19..] },
        { "non-hex id", "gh_zzzzzzzzzzzzzzzz" + s_key[19..] },
        { "wrong separator", s_key[..19] + "-" + s_key[20..] },
        { "trailing newline", s_key + "\n" },
        { "leading space", " " + s_key },
        { "bearer scheme included", "Bearer " + s_key },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_keys_do_not_parse(string name, string? text)
    {
        Assert.True(ApiKeyFormat.TryParse(text) is null, name);
    }

    [Fact]
    public void The_secret_hash_is_SHA256_and_compares_whole()
    {
        var secret = new byte[32];
        var hash = ApiKeySecretHash.Compute(secret);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(secret), hash);
        Assert.True(ApiKeySecretHash.Matches(hash, [.. hash]));
        Assert.False(ApiKeySecretHash.Matches(hash, hash[..^1]));
        hash[^1] ^= 1;
        Assert.False(ApiKeySecretHash.Matches(ApiKeySecretHash.Compute(secret), hash));
    }

    [Fact]
    public void Any_last_character_is_parsed_or_refused_never_thrown()
    {
        var (_, key) = ApiKeyFormat.Generate();
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        // Only some last characters are canonical base64url for 32 bytes; the rest must be refused quietly.
        var parsed = alphabet.Count(c => ApiKeyFormat.TryParse(key[..^1] + c) is not null);

        Assert.InRange(parsed, 1, alphabet.Length - 1);
    }
}
