using System.Collections.Immutable;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// A person's consent, kept as a permanent OpenIddict authorization per (person, client, resource): a repeat flow or a
/// refresh does not ask again, unless the client asks for scopes beyond those consented to or shows itself otherwise
/// (another name, another redirect host). The tokens issued under it belong to it, so that revoking it revokes them.
/// </summary>
internal static class RememberedConsent
{
    internal const string ResourceProperty = "gatehouse_resource";
    private const string ClientSeenProperty = "gatehouse_client_seen";

    /// <summary>The id of the consent <paramref name="consent"/> describes, if the person gave it and it still stands.</summary>
    public static async Task<string?> FindAsync(IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications,
        ConsentRequest consent, CancellationToken cancellationToken)
    {
        if (await ApplicationIdAsync(applications, consent.ClientId, cancellationToken) is not { } applicationId)
        {
            return null;
        }

        await foreach (var authorization in authorizations.FindAsync(consent.Identity, applicationId, Statuses.Valid, AuthorizationTypes.Permanent,
            [.. consent.Scopes], cancellationToken))
        {
            var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
            if (Is(properties, ResourceProperty, consent.Resource) && Is(properties, ClientSeenProperty, consent.ClientSeen))
            {
                return await authorizations.GetIdAsync(authorization, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>Keeps the person's consent; its id, for the tokens to belong to.</summary>
    public static async Task<string> RememberAsync(IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications,
        ConsentRequest consent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var applicationId = await ApplicationIdAsync(applications, consent.ClientId, cancellationToken)
            ?? throw new InvalidOperationException($"The client '{consent.ClientId}' was checked before its consent was asked for.");
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId,
            Subject = consent.Identity,
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = now,
            Properties =
            {
                [ResourceProperty] = JsonSerializer.SerializeToElement(consent.Resource),
                [ClientSeenProperty] = JsonSerializer.SerializeToElement(consent.ClientSeen),
            },
        };
        descriptor.Scopes.UnionWith(consent.Scopes);
        var authorization = await authorizations.CreateAsync(descriptor, cancellationToken);
        return (await authorizations.GetIdAsync(authorization, cancellationToken))!;
    }

    private static async Task<string?> ApplicationIdAsync(IOpenIddictApplicationManager applications, string clientId, CancellationToken cancellationToken) =>
        await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
            ? await applications.GetIdAsync(application, cancellationToken)
            : null;

    private static bool Is(ImmutableDictionary<string, JsonElement> properties, string name, string value) =>
        properties.TryGetValue(name, out var element) && element.ValueKind == JsonValueKind.String && element.GetString() == value;
}

/// <summary>What a person is asked to consent to.</summary>
/// <param name="ClientSeen">How the person saw the client (its name and redirect host): if that changes, they are asked again.</param>
internal sealed record ConsentRequest(string Identity, string ClientId, string Resource, IReadOnlyList<string> Scopes, string ClientSeen);
