using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// The TypeScript SDK's OAuth client (<c>@modelcontextprotocol/sdk</c>, an <c>OAuthClientProvider</c>) against Gatehouse:
/// discovery, dynamic registration, PKCE and the code exchange are the SDK's; the person's part (the provider's form,
/// the consent page) is a <see cref="SignInBrowser"/> it sends the authorization URL to, as an application opens a browser.
/// </summary>
public sealed class TypeScriptOAuthClientTests(PeopleSignInTests.Gateway shared) : IClassFixture<PeopleSignInTests.Gateway>
{
    private const string Script = """
        import { Client } from "@modelcontextprotocol/sdk/client/index.js";
        import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

        const s = JSON.parse(process.env.GATEHOUSE_SCENARIO);
        let info, tokens, verifier, back;
        const provider = {
          get redirectUrl() { return s.redirect; },
          get clientMetadata() {
            return { client_name: "TypeScript client", redirect_uris: [s.redirect], grant_types: ["authorization_code", "refresh_token"],
              response_types: ["code"], token_endpoint_auth_method: "none" };
          },
          state() { return "ts-state"; },
          clientInformation() { return info; },
          saveClientInformation(i) { info = i; },
          tokens() { return tokens; },
          saveTokens(t) { tokens = t; },
          async redirectToAuthorization(url) {
            const answer = await fetch(`${s.browser}?url=${encodeURIComponent(url.href)}`);
            back = new URL(await answer.text());
          },
          saveCodeVerifier(v) { verifier = v; },
          codeVerifier() { return verifier; },
        };
        const report = {};
        const newClient = () => new Client({ name: "gatehouse-ts-oauth-test", version: "1.0.0" });
        let client = newClient();
        try {
          await client.connect(new StreamableHTTPClientTransport(new URL(s.url), { authProvider: provider }));
        } catch (e) {
          if (e?.constructor?.name !== "UnauthorizedError" || !back) throw e;
          report.state = back.searchParams.get("state");
          report.iss = back.searchParams.get("iss");
          report.error = back.searchParams.get("error");
          if (!report.error) {
            const transport = new StreamableHTTPClientTransport(new URL(s.url), { authProvider: provider });
            await transport.finishAuth(back.searchParams.get("code"));
            client = newClient();
            await client.connect(transport);
          }
        }
        if (!report.error) {
          report.tools = (await client.listTools()).tools.map((t) => t.name);
          report.call = await client.callTool({ name: "echo", arguments: { message: "hi" } });
          await client.close();
          const elsewhere = await fetch(s.other, {
            method: "POST",
            headers: { authorization: `Bearer ${tokens.access_token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize",
              params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } }),
          });
          report.elsewhere = elsewhere.status;
        }
        report.refreshToken = Boolean(tokens?.refresh_token);
        console.log(JSON.stringify(report));
        """;

    private static readonly TimeSpan s_scriptLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_TypeScript_SDKs_OAuth_client_signs_in_and_calls_through_with_a_token_for_that_server_alone()
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);

        var report = await RunAsync(browser);

        Assert.Equal("ts-state", report["state"]!.GetValue<string>());
        Assert.Equal(shared.Gatehouse.BaseUrl.AbsoluteUri, report["iss"]!.GetValue<string>());
        Assert.Contains("echo", report["tools"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.NotEqual(true, report["call"]!["isError"]?.GetValue<bool>());
        Assert.Equal(401, report["elsewhere"]!.GetValue<int>());
        Assert.True(report["refreshToken"]!.GetValue<bool>());
        Assert.Contains("TypeScript client", browser.LastConsentPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denied_consent_leaves_the_TypeScript_client_without_a_token()
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice, "deny");

        var report = await RunAsync(browser);

        Assert.Equal("access_denied", report["error"]!.GetValue<string>());
        Assert.False(report["refreshToken"]!.GetValue<bool>());
    }

    /// <summary>Runs the script with a browser at an address of its own that the script sends the authorization URL to.</summary>
    private async Task<JsonNode> RunAsync(SignInBrowser browser)
    {
        var redirect = new Uri("http://127.0.0.1:33420/callback");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/open", async (string url) => Results.Text((await browser.AuthorizeAsync(new Uri(url), redirect)).AbsoluteUri));
        await app.StartAsync();
        var scenario = new JsonObject
        {
            ["url"] = shared.Gatehouse.McpUrl("test").AbsoluteUri,
            ["other"] = shared.Gatehouse.McpUrl("other").AbsoluteUri,
            ["redirect"] = redirect.AbsoluteUri,
            ["browser"] = $"{app.Urls.First()}/open",
        };
        return await NodeScript.RunAsync(Script, new Dictionary<string, string> { ["GATEHOUSE_SCENARIO"] = scenario.ToJsonString() }, s_scriptLimit,
            "the TypeScript SDK's OAuth client");
    }
}
