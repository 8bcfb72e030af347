using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// An OAuth client as MCP clients are, spoken by hand so that a test can send what a real one never would: a browser's
/// trip to the authorization endpoint (redirects not followed) and the client's own requests to the token endpoint.
/// </summary>
internal sealed class OAuthTestClient(Uri gateway, string clientId = OAuthTestClient.ClientId) : IDisposable
{
    public const string ClientId = "test-client";
    public const string RedirectUri = "http://127.0.0.1:33418/callback";

    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The PKCE verifier of the last authorization request built with <see cref="AuthorizeQuery"/>.</summary>
    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));

    public string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    /// <summary>The redirect URI the client sends, in its authorization requests and code exchanges.</summary>
    public string SentRedirectUri { get; set; } = RedirectUri;

    public Uri Resource(string server) => new(_http.BaseAddress!, $"/mcp/{server}");

    /// <summary>A well-formed authorization request for <paramref name="server"/>; tests remove or change what they attack.</summary>
    public Dictionary<string, string?> AuthorizeQuery(string server = "test") => new()
    {
        ["response_type"] = "code",
        ["client_id"] = clientId,
        ["redirect_uri"] = SentRedirectUri,
        ["code_challenge"] = Challenge,
        ["code_challenge_method"] = "S256",
        ["state"] = "state-1",
        ["resource"] = Resource(server).ToString(),
    };

    /// <summary>Sends the browser to the authorization endpoint; <paramref name="extra"/> adds repeated parameters (a second resource).</summary>
    public Task<HttpResponseMessage> AuthorizeAsync(Dictionary<string, string?> query, params (string Name, string Value)[] extra)
    {
        var url = QueryHelpers.AddQueryString("/oauth/authorize", query.Where(p => p.Value is not null));
        foreach (var (name, value) in extra)
        {
            url = QueryHelpers.AddQueryString(url, name, value);
        }

        return _http.GetAsync(url);
    }

    /// <summary>Where the authorization endpoint sent the browser back to the client, and with what.</summary>
    public static (Uri Target, Dictionary<string, string> Parameters) Redirect(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var parameters = QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        return (new Uri(location.GetLeftPart(UriPartial.Path)), parameters);
    }

    /// <summary>Runs the authorization request (asking for <paramref name="scope"/>, when given) and returns the code the client receives.</summary>
    public async Task<string> CodeAsync(string server = "test", string? scope = null)
    {
        var query = AuthorizeQuery(server);
        query["scope"] = scope;
        using var response = await AuthorizeAsync(query);
        var (_, parameters) = Redirect(response);
        return parameters.TryGetValue("code", out var code) ? code
            : throw new InvalidOperationException($"No code: {string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}"))}");
    }

    public Task<(HttpStatusCode Status, JsonNode Body)> ExchangeAsync(string code, string? verifier = null, params (string Name, string Value)[] extra) =>
        PostAsync("/oauth/token", [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", SentRedirectUri), ("client_id", clientId),
            ("code_verifier", verifier ?? Verifier), .. extra]);

    public Task<(HttpStatusCode Status, JsonNode Body)> RefreshAsync(string refreshToken, params (string Name, string Value)[] extra) =>
        PostAsync("/oauth/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientId), .. extra]);

    public Task<(HttpStatusCode Status, JsonNode Body)> RevokeAsync(string token) =>
        PostAsync("/oauth/revoke", [("token", token), ("client_id", clientId)]);

    /// <summary>A code exchanged for tokens: the access and refresh tokens.</summary>
    public async Task<(string Access, string Refresh)> TokensAsync(string server = "test", string? scope = null)
    {
        var (status, body) = await ExchangeAsync(await CodeAsync(server, scope));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return (body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
    }

    public async Task<JsonNode> GetJsonAsync(string path) => JsonNode.Parse(await _http.GetStringAsync(path))!;

    /// <summary>Posts <paramref name="metadata"/> to the registration endpoint (RFC 7591).</summary>
    public async Task<(HttpStatusCode Status, JsonNode Body)> RegisterAsync(string metadata)
    {
        using var content = new StringContent(metadata, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/oauth/register", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode, JsonNode)> PostAsync(string path, (string Name, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(p => KeyValuePair.Create(p.Name, p.Value)));
        using var response = await _http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
