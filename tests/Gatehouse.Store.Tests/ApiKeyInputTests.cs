using Gatehouse.Store.ApiKeys;

namespace Gatehouse.Store.Tests;

public sealed class ApiKeyInputTests
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" leading space")]
    [InlineData("trailing space ")]
    [InlineData("tab\tinside")]
    [InlineData("line\nbreak")]
    [InlineData("escape\u001b[31m")]
    public void Invalid_identities_are_refused(string? identity) =>
        Assert.Throws<ArgumentException>(() => ApiKeyInput.Identity(identity!));

    [Fact]
    public void Identities_up_to_256_characters_pass_unchanged()
    {
        Assert.Equal("marketing agent@example", ApiKeyInput.Identity("marketing agent@example"));
        Assert.Equal(256, ApiKeyInput.Identity(new string('a', 256)).Length);
        Assert.Throws<ArgumentException>(() => ApiKeyInput.Identity(new string('a', 257)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("new\nline")]
    public void Invalid_roles_are_refused(string role) =>
        Assert.Throws<ArgumentException>(() => ApiKeyInput.Roles(["admin", role]));

    [Fact]
    public void Roles_keep_their_order_without_repeats()
    {
        Assert.Equal(["approver", "admin"], ApiKeyInput.Roles(["approver", "admin", "approver"]));
        Assert.Empty(ApiKeyInput.Roles(null));
        Assert.Throws<ArgumentException>(() => ApiKeyInput.Roles([new string('r', 65)]));
    }

    [Fact]
    public void An_expiry_must_be_in_the_future()
    {
        Assert.Null(ApiKeyInput.ExpiresAt(null, s_now));
        Assert.Equal(s_now.AddTicks(1), ApiKeyInput.ExpiresAt(s_now.AddTicks(1), s_now));
        Assert.Throws<ArgumentException>(() => ApiKeyInput.ExpiresAt(s_now, s_now));
        Assert.Throws<ArgumentException>(() => ApiKeyInput.ExpiresAt(s_now.AddDays(-1), s_now));
    }
}
