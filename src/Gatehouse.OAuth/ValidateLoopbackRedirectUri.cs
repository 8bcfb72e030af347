using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.OAuth;

/// <summary>
/// Takes the place of OpenIddict's own check of an authorization request's <c>redirect_uri</c> (which admits another
/// port only where none was registered), with <see cref="LoopbackRedirectUris.Matches"/>. The token endpoint still
/// requires the very <c>redirect_uri</c> the code was issued to, port included.
/// </summary>
internal sealed class ValidateLoopbackRedirectUri(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    /// <summary>The handler OpenIddict's own is removed for.</summary>
    public static OpenIddictServerHandlerDescriptor Replaced => OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ValidateLoopbackRedirectUri>()
            .SetOrder(Replaced.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var application = await applications.FindByClientIdAsync(context.ClientId!, context.CancellationToken)
            ?? throw new InvalidOperationException("The client was found by an earlier check and is gone.");
        var registered = await applications.GetRedirectUrisAsync(application, context.CancellationToken);

        // Without a redirect_uri the client's only one is meant, as OpenIddict (and OAuth 2.1) have it.
        if (string.IsNullOrEmpty(context.RedirectUri))
        {
            if (registered.Length != 1)
            {
                context.Reject(Errors.InvalidRequest, "The redirect_uri parameter is missing: this client registered more than one.");
                return;
            }

            context.SetRedirectUri(registered[0]);
            return;
        }

        var requested = context.RedirectUri;
        if (!registered.Any(uri => LoopbackRedirectUris.Matches(uri, requested)))
        {
            context.Reject(Errors.InvalidRequest, "The redirect_uri is not one this client registered.");
        }
    }
}
