using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth;

/// <summary>
/// Clients whose <c>client_id</c> is the URL of their metadata document (MCP's client ID metadata documents): the
/// document is fetched when such a client starts a flow, checked, and the client kept in the store as it says, so that
/// its redirect URIs are the ones its own domain publishes. A public client only (PKCE), as the documents describe.
/// </summary>
/// <remarks>
/// The fetch is a request Gatehouse makes to an address a stranger chose, so it is bounded: https only, no redirects,
/// a few seconds, a few kilobytes, and never to a private, loopback or link-local address unless the operator allows it
/// (checked on the address actually connected to, so a name that resolves elsewhere the second time gains nothing).
/// </remarks>
internal sealed class ClientMetadataDocuments(IHttpClientFactory http, IOpenIddictApplicationManager applications, IOptions<OAuthServerOptions> options)
{
    /// <summary>The name of the <see cref="HttpClient"/> that fetches documents, set up by <see cref="OAuthServiceCollectionExtensions"/>.</summary>
    public const string HttpClientName = "gatehouse-client-metadata";

    /// <summary>Marks a client known by its metadata document, as <c>gatehouse_source</c>.</summary>
    public const string FromDocument = "metadata_document";

    public const int MaxDocumentBytes = 8 * 1024;

    // For the whole fetch, body included: a server that sends its headers and then trickles holds nothing longer.
    private static readonly TimeSpan FetchTime = TimeSpan.FromSeconds(5);
    private const int MaxRedirectUris = 10;

    /// <summary>Whether <paramref name="clientId"/> names a metadata document rather than a registered client.</summary>
    public static bool IsDocumentUrl(string clientId) =>
        clientId.StartsWith("https://", StringComparison.Ordinal) || clientId.StartsWith("http://", StringComparison.Ordinal);

    /// <summary>Fetches and checks the document at <paramref name="clientId"/> and keeps the client it describes; returns why it cannot be used, or null.</summary>
    public async Task<string?> AdmitAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!options.Value.MetadataDocuments)
        {
            return "This server does not accept client ID metadata documents.";
        }

        if (UrlProblem(clientId, options.Value.AllowPrivateAddresses) is { } problem)
        {
            return problem;
        }

        JsonObject? document;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FetchTime);
        try
        {
            document = await FetchAsync(new Uri(clientId), deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"The client's metadata document could not be fetched within {FetchTime.TotalSeconds:0} s.";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or InvalidDataException)
        {
            return $"The client's metadata document could not be fetched: {ex.Message}";
        }

        if (document is null)
        {
            return "The client's metadata document is not a JSON object.";
        }

        if (document["client_id"] is not JsonValue id || !id.TryGetValue<string>(out var declared) || declared != clientId)
        {
            return "The client's metadata document must name its own URL as its client_id.";
        }

        if (document["token_endpoint_auth_method"] is JsonValue method && (!method.TryGetValue<string>(out var text) || text != "none"))
        {
            return "A client known by its metadata document must be a public client (token_endpoint_auth_method \"none\").";
        }

        if (RedirectUris(document) is not { } redirects)
        {
            return $"The client's metadata document must list 1 to {MaxRedirectUris} absolute redirect_uris.";
        }

        // The rules a client registering itself at https:// must keep: no plain http:// off the person's machine, no
        // scheme a browser would run rather than hand to an application.
        if (redirects.Select(uri => ClientRegistration.RedirectUriError(uri.OriginalString, OAuthRegistrationPolicy.Any)).FirstOrDefault(e => e is not null) is { } redirectError)
        {
            return $"The client's metadata document lists a redirect URI Gatehouse does not send codes to: {redirectError}";
        }

        return await KeepAsync(clientId, document["client_name"] is JsonValue name && name.TryGetValue<string>(out var display) ? display : null, redirects,
            cancellationToken);
    }

    // https with a path, no user info or fragment; http only on loopback where the operator allows private addresses.
    private static string? UrlProblem(string clientId, bool allowPrivate)
    {
        if (!Uri.TryCreate(clientId, UriKind.Absolute, out var url) || url.AbsolutePath is "" or "/" || url.UserInfo.Length > 0 ||
            url.Fragment.Length > 0 || url.OriginalString.Contains("/./", StringComparison.Ordinal) || url.OriginalString.Contains("/../", StringComparison.Ordinal))
        {
            return "A client ID metadata document URL must be an https URL with a path, without user info, fragment or dot segments.";
        }

        return url.Scheme == Uri.UriSchemeHttps || (allowPrivate && url.IsLoopback)
            ? null
            : "A client ID metadata document must be served over https.";
    }

    private async Task<JsonObject?> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        using var client = http.CreateClient(HttpClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"the server answered {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxDocumentBytes + 1];
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxDocumentBytes)
            {
                throw new InvalidDataException($"it is larger than {MaxDocumentBytes} bytes");
            }
        }

        return JsonNode.Parse(buffer.AsSpan(0, length)) as JsonObject;
    }

    private static List<Uri>? RedirectUris(JsonObject document)
    {
        if (document["redirect_uris"] is not JsonArray list || list.Count is 0 or > MaxRedirectUris)
        {
            return null;
        }

        var uris = new List<Uri>();
        foreach (var item in list)
        {
            if (item is not JsonValue value || !value.TryGetValue<string>(out var text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0)
            {
                return null;
            }

            uris.Add(uri);
        }

        return uris;
    }

    // A client the operator configured, or one that registered, under the same id is not the document's to change.
    private async Task<string?> KeepAsync(string clientId, string? name, List<Uri> redirectUris, CancellationToken cancellationToken)
    {
        var existing = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (existing is not null)
        {
            var properties = await applications.GetPropertiesAsync(existing, cancellationToken);
            if (!properties.TryGetValue(ConfiguredClients.SourceProperty, out var source) || source.ValueKind != JsonValueKind.String ||
                source.GetString() != FromDocument)
            {
                return null;
            }
        }
        else if (await SelfRegisteredClients.FullAsync(applications, options.Value.MaxSelfRegisteredClients, cancellationToken) is { } full)
        {
            return full;
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            DisplayName = name,
            Properties = { [ConfiguredClients.SourceProperty] = JsonSerializer.SerializeToElement(FromDocument) },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        descriptor.RedirectUris.UnionWith(redirectUris);
        descriptor.Permissions.UnionWith(OAuthClientPermissions.All);
        if (existing is not null)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// Connects only to public addresses (unless <paramref name="allowPrivate"/>): the check is made on the address each
    /// connection goes to, after the name is resolved.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = addresses.Where(a => allowPrivate || IsPublic(a)).ToList();
        if (allowed.Count == 0)
        {
            throw new HttpRequestException($"{context.DnsEndPoint.Host} is not a public address, and Gatehouse fetches client metadata documents from public addresses only");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed[0], context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="address"/> is on the public internet: not loopback, private, link-local, shared, multicast or unspecified.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes[0] & 0xFE) == 0xFC ||
                (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0 && bytes[3] == 0) || (bytes[0] == 0x20 && bytes[1] == 0x02))
            {
                // Besides the local ranges: Teredo (2001::/32) and 6to4 (2002::/16) tunnel to addresses they hide.
                return false;
            }

            // IPv4-compatible (::/96) and NAT64 (64:ff9b::/96, 64:ff9b:1::/48) addresses reach the IPv4 address they carry.
            var compatible = bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
            var nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b &&
                        (bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0 || (bytes[4] == 0 && bytes[5] == 1));
            return !(compatible || nat64) || IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 100 && (b[1] & 0xC0) == 64) || (b[0] == 169 && b[1] == 254) ||
                 (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) || b[0] >= 224);
    }
}

/// <summary>
/// Admits a client whose <c>client_id</c> is its metadata document's URL before the request's client is looked up; a
/// document URL not yet known counts toward its address's <see cref="ClientAdmissionRateLimit"/>.
/// </summary>
internal sealed class AdmitMetadataDocumentClient(ClientMetadataDocuments documents, IOpenIddictApplicationManager applications, ClientAdmissionRateLimit limit)
    : OpenIddict.Server.IOpenIddictServerHandler<OpenIddict.Server.OpenIddictServerEvents.ValidateAuthorizationRequestContext>
{
    public static OpenIddict.Server.OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddict.Server.OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddict.Server.OpenIddictServerEvents.ValidateAuthorizationRequestContext>()
            .UseScopedHandler<AdmitMetadataDocumentClient>()
            .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Authentication.ValidateAuthentication.Descriptor.Order - 1)
            .SetType(OpenIddict.Server.OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(OpenIddict.Server.OpenIddictServerEvents.ValidateAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ClientId is not { } clientId || !ClientMetadataDocuments.IsDocumentUrl(clientId))
        {
            return;
        }

        if (await applications.FindByClientIdAsync(clientId, context.CancellationToken) is null &&
            limit.TryAdmit(Microsoft.AspNetCore.OpenIddictServerAspNetCoreHelpers.GetHttpRequest(context.Transaction)?.HttpContext.Connection.RemoteIpAddress) is { } refused)
        {
            context.Reject(Errors.TemporarilyUnavailable, refused);
            return;
        }

        if (await documents.AdmitAsync(clientId, context.CancellationToken) is { } problem)
        {
            context.Reject(Errors.InvalidClient, problem);
        }
    }
}
