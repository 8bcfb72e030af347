using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.TestIdentityProvider;

/// <summary>The tokens a provider's token endpoint answered with.</summary>
public sealed record ProviderTokens(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("id_token")] string? IdToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken);

/// <summary>
/// What a client application does at an <see cref="IdentityProvider"/>, without a browser: the authorization code flow
/// with PKCE for a user who logs in on the form, and a refresh; for tests that need a person's real tokens.
/// </summary>
public static class ProviderClientFlow
{
    /// <summary>Signs <paramref name="user"/> in for <paramref name="client"/> (its first redirect URI) and redeems the code.</summary>
    public static async Task<ProviderTokens> SignInAsync(this IdentityProvider provider, ProviderClient client, string user, string scope = "openid profile offline_access")
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = provider.Issuer };
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var redirectUri = client.RedirectUris[0].AbsoluteUri;
        var authorize = QueryHelpers.AddQueryString("connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = client.ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["code_challenge"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
            ["state"] = "test",
        });
        // Not signed in: the provider sends the browser to its login form, which sends it back to the request.
        var login = await RedirectOfAsync(http.GetAsync(authorize)).ConfigureAwait(false);
        var returnUrl = QueryHelpers.ParseQuery(login.Query)["ReturnUrl"].ToString();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user, ["returnUrl"] = returnUrl });
        var back = await RedirectOfAsync(http.PostAsync("login", form)).ConfigureAwait(false);
        var callback = await RedirectOfAsync(http.GetAsync(back)).ConfigureAwait(false);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        return await TokensAsync(http, client, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        }).ConfigureAwait(false);
    }

    /// <summary>Redeems <paramref name="refreshToken"/> for new tokens.</summary>
    public static async Task<ProviderTokens> RefreshAsync(this IdentityProvider provider, ProviderClient client, string refreshToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        using var http = new HttpClient { BaseAddress = provider.Issuer };
        return await TokensAsync(http, client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }).ConfigureAwait(false);
    }

    private static async Task<ProviderTokens> TokensAsync(HttpClient http, ProviderClient client, Dictionary<string, string> request)
    {
        request["client_id"] = client.ClientId;
        if (client.Secret is { } secret)
        {
            request["client_secret"] = secret;
        }

        using var form = new FormUrlEncodedContent(request);
        using var response = await http.PostAsync("connect/token", form).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<ProviderTokens>().ConfigureAwait(false))!
            : throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
    }

    private static async Task<Uri> RedirectOfAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request.ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
            ? location
            : throw new InvalidOperationException($"Expected a redirect, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
    }
}
