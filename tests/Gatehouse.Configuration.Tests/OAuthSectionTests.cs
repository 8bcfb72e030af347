namespace Gatehouse.Configuration.Tests;

public sealed class OAuthSectionTests
{
    [Fact]
    public void Gatehouse_issues_no_tokens_unless_the_section_is_there()
    {
        var config = TestConfig.Parse("{}");

        Assert.False(config.OAuth.Enabled);
    }

    [Fact]
    public void An_empty_section_turns_it_on_with_short_lived_tokens_and_loopback_registration()
    {
        var oauth = TestConfig.Parse("""{ "oauth": {} }""").OAuth;

        Assert.True(oauth.Enabled);
        Assert.Null(oauth.Issuer);
        Assert.Equal(TimeSpan.FromMinutes(10), oauth.AccessTokenLifetime);
        Assert.Equal(TimeSpan.FromDays(14), oauth.RefreshTokenLifetime);
        Assert.Empty(oauth.Clients);
        Assert.Equal(DynamicRegistration.Loopback, oauth.DynamicRegistration);
        Assert.True(oauth.ClientMetadataDocuments.Enabled);
        Assert.False(oauth.ClientMetadataDocuments.AllowPrivateAddresses);
        Assert.False(oauth.LocalSignIn);
    }

    [Fact]
    public void Local_sign_in_is_turned_on_by_name()
    {
        Assert.True(TestConfig.Parse("""{ "oauth": { "localSignIn": true } }""").OAuth.LocalSignIn);
    }

    [Fact]
    public void Every_field_is_read_with_a_client_secret_from_the_environment()
    {
        var oauth = TestConfig.Parse("""
            { "oauth": {
                "issuer": "https://gatehouse.example.com",
                "accessTokenLifetime": "5m",
                "refreshTokenLifetime": "1d",
                "clients": [
                  { "clientId": "claude", "redirectUris": ["https://claude.ai/api/mcp/auth_callback"], "displayName": "Claude" },
                  { "clientId": "ci", "redirectUris": ["http://127.0.0.1:33418/callback", "cursor://anysphere.cursor-retrieval/oauth/callback"],
                    "clientSecret": "${env:CI_SECRET}" }
                ],
                "dynamicRegistration": "off",
                "clientMetadataDocuments": { "enabled": false, "allowPrivateAddresses": true }
            } }
            """, new Dictionary<string, string> { ["CI_SECRET"] = "a-secret-of-sixteen-or-more" }).OAuth;

        Assert.Equal(new Uri("https://gatehouse.example.com"), oauth.Issuer);
        Assert.Equal(TimeSpan.FromMinutes(5), oauth.AccessTokenLifetime);
        Assert.Equal(TimeSpan.FromDays(1), oauth.RefreshTokenLifetime);
        Assert.Equal(["claude", "ci"], oauth.Clients.Select(c => c.ClientId));
        Assert.Equal("Claude", oauth.Clients[0].DisplayName);
        Assert.Null(oauth.Clients[0].ClientSecret);
        Assert.Equal("a-secret-of-sixteen-or-more", oauth.Clients[1].ClientSecret);
        Assert.Equal(2, oauth.Clients[1].RedirectUris.Count);
        Assert.Equal(DynamicRegistration.Off, oauth.DynamicRegistration);
        Assert.False(oauth.ClientMetadataDocuments.Enabled);
        Assert.True(oauth.ClientMetadataDocuments.AllowPrivateAddresses);
    }

    [Fact]
    public void Enabled_false_keeps_it_off_with_its_settings_checked()
    {
        Assert.False(TestConfig.Parse("""{ "oauth": { "enabled": false, "dynamicRegistration": "any" } }""").OAuth.Enabled);
    }

    [Fact]
    public void On_a_network_address_over_plain_http_an_https_issuer_is_required()
    {
        var error = TestConfig.SingleError("""{ "listen": "http://0.0.0.0:8080", "oauth": {} }""");

        Assert.Equal("oauth.issuer", error.Field);
        Assert.Contains("https://", error.Message);
        Assert.True(TestConfig.Parse("""{ "listen": "http://0.0.0.0:8080", "oauth": { "issuer": "https://gw.example.com" } }""").OAuth.Enabled);
    }

    [Theory]
    [InlineData("""{ "issuers": "https://gw.example.com" }""", "oauth.issuers", "did you mean 'issuer'?")]
    [InlineData("""{ "issuer": "http://gw.example.com" }""", "oauth.issuer", "must be https://")]
    [InlineData("""{ "issuer": "https://gw.example.com/path" }""", "oauth.issuer", "only a scheme, host and port")]
    [InlineData("""{ "accessTokenLifetime": "1d" }""", "oauth.accessTokenLifetime", "must be from 30s to 1h")]
    [InlineData("""{ "accessTokenLifetime": "10 minutes" }""", "oauth.accessTokenLifetime", "units")]
    [InlineData("""{ "accessTokenLifetime": "10m", "refreshTokenLifetime": "5m" }""", "oauth.refreshTokenLifetime", "must be from 10m to 90d")]
    [InlineData("""{ "dynamicRegistration": "everyone" }""", "oauth.dynamicRegistration", "\"loopback\", \"any\" or \"off\"")]
    [InlineData("""{ "clientMetadataDocuments": { "allowPrivateAddress": true } }""", "oauth.clientMetadataDocuments.allowPrivateAddress", "did you mean 'allowPrivateAddresses'?")]
    [InlineData("""{ "clients": [ { "redirectUris": ["https://c.example.com/cb"] } ] }""", "oauth.clients[0].clientId", "is required")]
    [InlineData("""{ "clients": [ { "clientId": "c" } ] }""", "oauth.clients[0].redirectUris", "is required")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUris": [] } ] }""", "oauth.clients[0].redirectUris", "at least one")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUris": ["http://c.example.com/cb"] } ] }""", "oauth.clients[0].redirectUris[0]", "must be https://")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUris": ["https://c.example.com/cb#x"] } ] }""", "oauth.clients[0].redirectUris[0]", "without a fragment")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUris": ["javascript:alert(1)"] } ] }""", "oauth.clients[0].redirectUris[0]", "scheme 'javascript'")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUris": ["/cb"] } ] }""", "oauth.clients[0].redirectUris[0]", "not an absolute URI")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUris": ["https://c.example.com/cb"], "clientSecret": "short" } ] }""", "oauth.clients[0].clientSecret", "at least 16")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUris": ["https://c.example.com/cb"], "clientSecret": "${env:MISSING}" } ] }""", "oauth.clients[0].clientSecret", "MISSING")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUris": ["https://a.example.com/cb"] }, { "clientId": "c", "redirectUris": ["https://b.example.com/cb"] } ] }""", "oauth.clients[1].clientId", "registered twice")]
    [InlineData("""{ "clients": [ { "clientId": "c", "redirectUri": ["https://c.example.com/cb"] } ] }""", "oauth.clients[0].redirectUri", "did you mean 'redirectUris'?")]
    public void Mistakes_are_named_with_their_field(string section, string field, string message)
    {
        var errors = TestConfig.Errors($$"""{ "oauth": {{section}} }""");

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_misspelt_section_is_named()
    {
        var error = TestConfig.SingleError("""{ "oauth2": {} }""");

        Assert.Contains("did you mean 'oauth'?", error.Message);
    }
}
