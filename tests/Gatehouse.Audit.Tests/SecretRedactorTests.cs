using System.Text.Json.Nodes;

namespace Gatehouse.Audit.Tests;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("api_key")]
    [InlineData("apiKey")]
    [InlineData("X-API-KEY")]
    [InlineData("client_secret")]
    [InlineData("github_token")]
    [InlineData("Authorization")]
    [InlineData("private_key")]
    [InlineData("aws_secret_access_key")]
    [InlineData("credentials")]
    [InlineData("session_cookie")]
    public void A_value_under_a_secret_name_is_redacted_whole(string name)
    {
        var redacted = Redact(new JsonObject { [name] = "hunter2", ["subject"] = "Hello" });

        Assert.Equal("""{"NAME":"[redacted]","subject":"Hello"}""".Replace("NAME", name, StringComparison.Ordinal), redacted);
    }

    [Fact]
    public void Everything_nested_under_a_secret_name_is_redacted()
    {
        var redacted = Redact(new JsonObject { ["credentials"] = new JsonObject { ["user"] = "ann", ["keys"] = new JsonArray("a", "b") } });

        Assert.Equal("""{"credentials":{"user":"[redacted]","keys":["[redacted]","[redacted]"]}}""", redacted);
    }

    [Theory]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJl", "Bearer [redacted]")]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJl here", "token [redacted] here")]
    [InlineData("use gh_0123456789abcdef_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde now", "use [redacted] now")]
    [InlineData("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "[redacted]")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "[redacted]")]
    [InlineData("key AKIAIOSFODNN7EXAMPLE", "key [redacted]")]
    [InlineData("AIzaSyA-1234567890abcdefghijklmnopqrstu", "[redacted]")]
    [InlineData("xoxb-123456789012-abcdefghijkl", "[redacted]")]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "[redacted]")]
    [InlineData("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "[redacted]")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "[redacted]")]
    [InlineData("postgres://app:s3cr3t@db.internal:5432/app", "postgres://app:[redacted]@db.internal:5432/app")]
    public void Text_that_looks_like_a_credential_is_cut_out_wherever_it_stands(string text, string expected)
    {
        Assert.Equal(expected, SecretRedactor.RedactText(text));
        Assert.Equal($$"""{"body":{{JsonValue.Create(expected).ToJsonString()}}}""", Redact(new JsonObject { ["body"] = text }));
    }

    [Theory]
    [InlineData("""{"campaign_id":3,"list_ids":[1,2]}""")]
    [InlineData("""{"name":"December newsletter","subject":"Our news","from_email":"news@example.com","max_tokens":500}""")]
    [InlineData("""{"id":"6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b","sha":"3f786850e387550fdab836ed7e6dc881de23001b"}""")]
    [InlineData("""{"url":"https://example.com/a?b=c","tokens_used":12,"query":"SELECT 1"}""")]
    [InlineData("""{"body":"Dear subscriber, our password policy changed. Basic plans start at $5."}""")]
    public void Ordinary_arguments_pass_unchanged(string json)
    {
        Assert.Equal(json, Redact(JsonNode.Parse(json)));
    }

    private static string? Redact(JsonNode? node) => SecretRedactor.Redact(node)?.ToJsonString();
}
