using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.OAuth;

/// <summary>
/// An authorization request names exactly one resource, the endpoint of a configured server (MCP's authorization
/// specification requires the parameter). Checked after the redirect URI, so that the client hears of it at its redirect URI.
/// </summary>
internal sealed class RequireOneServerResource(IOptions<OAuthServerOptions> options) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<RequireOneServerResource>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateResources.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var resources = context.Request.GetResources();
        if (resources.Length != 1)
        {
            context.Reject(Errors.InvalidTarget, resources.Length == 0
                ? "The request must name the resource the token is for (RFC 8707): the URL of the server's endpoint."
                : "The request must name exactly one resource: a token is good for one server's endpoint.");
            return ValueTask.CompletedTask;
        }

        var baseUri = OAuthResources.BaseOf(options.Value.Issuer, context.BaseUri!);
        if (OAuthResources.ServerOf(resources[0], baseUri, options.Value.Servers, out var error) is null)
        {
            context.Reject(Errors.InvalidTarget, error);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A token request may name a resource, but only the one the code or refresh token was issued for: a token is never
/// widened, or moved, to another server's endpoint.
/// </summary>
internal sealed class KeepTheGrantedResource : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<KeepTheGrantedResource>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var asked = context.Request.GetResources();
        if (asked.Length == 0)
        {
            return ValueTask.CompletedTask;
        }

        var granted = (context.AuthorizationCodePrincipal ?? context.RefreshTokenPrincipal)?.GetResources() ?? [];
        if (asked.Length > 1 || !granted.Contains(asked[0], StringComparer.Ordinal))
        {
            context.Reject(Errors.InvalidTarget, "The resource must be the one the code or refresh token was issued for.");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Names the registration endpoint in the metadata (RFC 8414 <c>registration_endpoint</c>) when clients may register.</summary>
internal sealed class AdvertiseRegistration(IOptions<OAuthServerOptions> options) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<AdvertiseRegistration>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachAdditionalMetadata.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (options.Value.Registration != OAuthRegistrationPolicy.Off)
        {
            var issuer = context.Issuer ?? context.BaseUri!;
            context.Metadata["registration_endpoint"] = new Uri(issuer, OAuthPaths.Registration[1..]).AbsoluteUri;
        }

        if (options.Value.MetadataDocuments)
        {
            context.Metadata["client_id_metadata_document_supported"] = true;
        }

        return ValueTask.CompletedTask;
    }
}
