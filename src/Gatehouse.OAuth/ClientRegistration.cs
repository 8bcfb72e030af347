using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth;

/// <summary>
/// Dynamic client registration (RFC 7591) as MCP clients use it: a client posts its metadata and receives a
/// <c>client_id</c> it can start the authorization-code flow with. Under <see cref="OAuthRegistrationPolicy.Loopback"/>
/// (the default) only clients whose redirect URIs are all on the client's own machine may register: a code sent there
/// never leaves it, so registering a client gives nobody a way to collect another person's codes.
/// </summary>
internal static class ClientRegistration
{
    /// <summary>Marks a client that registered itself, as <c>gatehouse_source</c>.</summary>
    public const string FromRegistration = "registration";

    // Client metadata is a few hundred bytes; anything near this is not a client's.
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxRedirectUris = 10;
    private const int MaxClientNameLength = 200;

    private static readonly string[] s_authMethods = [ClientAuthenticationMethods.ClientSecretBasic, ClientAuthenticationMethods.ClientSecretPost, "none"];

    public static async Task<IResult> HandleAsync(HttpContext context, IOpenIddictApplicationManager applications, IOptions<OAuthServerOptions> options,
        TimeProvider time)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        JsonObject? metadata;
        try
        {
            metadata = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException)
        {
            metadata = null;
        }

        if (metadata is null)
        {
            return Refuse("invalid_client_metadata", "The body must be one JSON object of client metadata (RFC 7591).");
        }

        if (Check(metadata, options.Value.Registration) is { } refusal)
        {
            return refusal;
        }

        if (await SelfRegisteredClients.FullAsync(applications, options.Value.MaxSelfRegisteredClients, context.RequestAborted) is { } full)
        {
            return Results.Json(new { error = "access_denied", error_description = full }, statusCode: StatusCodes.Status403Forbidden);
        }

        var method = metadata["token_endpoint_auth_method"]?.GetValue<string>() ?? ClientAuthenticationMethods.ClientSecretBasic;
        var secret = method == "none" ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var clientId = $"gh-client-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        var redirectUris = Strings(metadata, "redirect_uris")!;
        var name = metadata["client_name"]?.GetValue<string>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = secret is null ? ClientTypes.Public : ClientTypes.Confidential,
            DisplayName = name,
            Properties = { [ConfiguredClients.SourceProperty] = JsonSerializer.SerializeToElement(FromRegistration) },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        descriptor.RedirectUris.UnionWith(redirectUris.Select(uri => new Uri(uri)));
        descriptor.Permissions.UnionWith(OAuthClientPermissions.All);
        await applications.CreateAsync(descriptor, context.RequestAborted);

        var response = new JsonObject
        {
            ["client_id"] = clientId,
            ["client_id_issued_at"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["redirect_uris"] = new JsonArray([.. redirectUris.Select(uri => JsonValue.Create(uri))]),
            ["grant_types"] = new JsonArray(GrantTypes.AuthorizationCode, GrantTypes.RefreshToken),
            ["response_types"] = new JsonArray(ResponseTypes.Code),
            ["token_endpoint_auth_method"] = method,
        };
        if (name is not null)
        {
            response["client_name"] = name;
        }

        if (secret is not null)
        {
            response["client_secret"] = secret;
            response["client_secret_expires_at"] = 0;
        }

        return Results.Json(response, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Why the metadata cannot be registered under <paramref name="policy"/>, as the response to send, or null.</summary>
    private static IResult? Check(JsonObject metadata, OAuthRegistrationPolicy policy)
    {
        var redirectUris = Strings(metadata, "redirect_uris");
        if (redirectUris is not { Count: > 0 and <= MaxRedirectUris })
        {
            return Refuse("invalid_redirect_uri", $"redirect_uris must be an array of 1 to {MaxRedirectUris} URIs.");
        }

        foreach (var uri in redirectUris)
        {
            if (RedirectUriError(uri, policy) is { } error)
            {
                return Refuse("invalid_redirect_uri", error);
            }
        }

        if (!TryStrings(metadata, "grant_types", out var grants) || grants.Any(g => g is not (GrantTypes.AuthorizationCode or GrantTypes.RefreshToken)))
        {
            return Refuse("invalid_client_metadata", "grant_types may hold only authorization_code and refresh_token.");
        }

        if (!TryStrings(metadata, "response_types", out var responses) || responses.Any(r => r != ResponseTypes.Code))
        {
            return Refuse("invalid_client_metadata", "response_types may hold only code.");
        }

        if (metadata["token_endpoint_auth_method"] is { } method &&
            (method.GetValueKind() != JsonValueKind.String || !s_authMethods.Contains(method.GetValue<string>(), StringComparer.Ordinal)))
        {
            return Refuse("invalid_client_metadata", $"token_endpoint_auth_method must be one of {string.Join(", ", s_authMethods)}.");
        }

        if (metadata["client_name"] is { } name && (name.GetValueKind() != JsonValueKind.String || name.GetValue<string>().Length is 0 or > MaxClientNameLength
            || name.GetValue<string>().Any(char.IsControl)))
        {
            return Refuse("invalid_client_metadata", $"client_name must be text of 1 to {MaxClientNameLength} characters.");
        }

        return null;
    }

    /// <summary>Why <paramref name="text"/> cannot be a self-registered client's redirect URI, or null.</summary>
    internal static string? RedirectUriError(string text, OAuthRegistrationPolicy policy)
    {
        // A path alone parses as a file URI on Unix: only text that starts with its scheme is an absolute URI here.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !text.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase)
            || text.Contains('#') || uri.UserInfo.Length > 0)
        {
            return $"'{text}' is not an absolute URI without a fragment or credentials.";
        }

        var loopback = uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri);
        if (policy == OAuthRegistrationPolicy.Loopback && !loopback)
        {
            return $"'{text}' is not on the client's own machine (http://127.0.0.1, http://[::1] or http://localhost): Gatehouse lets only " +
                "such clients register themselves; ask the operator to register this client.";
        }

        return uri.Scheme switch
        {
            _ when loopback => null,
            "http" => $"'{text}' must be https:// (http:// only on a loopback address): the code travels in it.",
            "javascript" or "data" or "file" or "vbscript" or "blob" or "about" =>
                $"'{text}' uses the scheme '{uri.Scheme}', which a browser does not hand to an application.",
            _ => null,
        };
    }

    private static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    /// <summary>An optional list of strings: false when it is there but not one; empty when it is absent.</summary>
    private static bool TryStrings(JsonObject metadata, string name, out List<string> values)
    {
        var found = metadata.ContainsKey(name) ? Strings(metadata, name) : [];
        values = found ?? [];
        return found is not null;
    }

    private static List<string>? Strings(JsonObject metadata, string name) =>
        metadata[name] is JsonArray array && array.All(item => item?.GetValueKind() == JsonValueKind.String)
            ? [.. array.Select(item => item!.GetValue<string>())]
            : null;

    private static IResult Refuse(string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: StatusCodes.Status400BadRequest);
}
