namespace Gatehouse.Configuration.Tests;

public sealed class ApprovalWebhookConfigTests
{
    private static string Grant(string webhook) => TestConfig.WithServer($$"""
        "grants": [ { "id": "g", "server": "s", "identities": ["a"], "policy": "p.json", "approvalWebhook": {{webhook}} } ]
        """);

    [Fact]
    public void A_grants_webhook_is_read_with_its_secret_from_the_environment()
    {
        var config = TestConfig.Parse(Grant("""{ "url": "https://chat.example.com/hooks/approvals", "secret": "${env:HOOK_SECRET}" }"""),
            new Dictionary<string, string> { ["HOOK_SECRET"] = "a long enough webhook secret" });

        var webhook = Assert.Single(config.Grants).ApprovalWebhook!;
        Assert.Equal(new Uri("https://chat.example.com/hooks/approvals"), webhook.Url);
        Assert.Equal("a long enough webhook secret", webhook.Secret);
    }

    [Theory]
    [InlineData("""{ "url": "chat.example.com", "secret": "a long enough webhook secret" }""", "grants[0].approvalWebhook.url", "http:// or https://")]
    [InlineData("""{ "url": "https://chat.example.com", "secret": "short" }""", "grants[0].approvalWebhook.secret", "at least 16")]
    [InlineData("""{ "url": "https://chat.example.com" }""", "grants[0].approvalWebhook.secret", "is required")]
    [InlineData("""{ "url": "https://chat.example.com", "secret": "a long enough webhook secret", "hmac": "sha1" }""", "grants[0].approvalWebhook.hmac", "unknown field")]
    [InlineData("\"https://chat.example.com\"", "grants[0].approvalWebhook", "an object")]
    public void A_mistake_names_its_field(string webhook, string field, string message)
    {
        var error = Assert.Single(TestConfig.Errors(Grant(webhook)), e => e.Field == field);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
