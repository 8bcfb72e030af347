using System.Text.Json;
using OpenIddict.Abstractions;

namespace Gatehouse.OAuth;

/// <summary>
/// The clients the operator did not configure: those that registered themselves (RFC 7591) and those known by their
/// metadata document. Anyone can add them, so their number is capped and those nobody uses are removed.
/// </summary>
internal static class SelfRegisteredClients
{
    /// <summary>The client ids of every such client in the store.</summary>
    public static async Task<List<string>> ListAsync(IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        var clients = new List<string>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            var properties = await applications.GetPropertiesAsync(application, cancellationToken);
            if (properties.TryGetValue(ConfiguredClients.SourceProperty, out var source) && source.ValueKind == JsonValueKind.String
                && source.GetString() is ClientRegistration.FromRegistration or ClientMetadataDocuments.FromDocument
                && await applications.GetClientIdAsync(application, cancellationToken) is { } clientId)
            {
                clients.Add(clientId);
            }
        }

        return clients;
    }

    /// <summary>Why one more such client cannot be added, or null while the store holds fewer than <paramref name="max"/>.</summary>
    /// <remarks>Registrations at the same moment may each see room for one: the cap may be passed by as many, which the rate limit bounds.</remarks>
    public static async Task<string?> FullAsync(IOpenIddictApplicationManager applications, int max, CancellationToken cancellationToken) =>
        (await ListAsync(applications, cancellationToken)).Count >= max
            ? $"Gatehouse already holds {max} clients that registered themselves or came with a metadata document, its limit. Ask the operator to configure this client, " +
              "or to remove clients nobody uses ('gatehouse oauth clients list', 'gatehouse oauth clients revoke ID'); " +
              "such clients are also removed once unused for a while."
            : null;
}
