using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Authentication;

/// <summary>
/// Reads the key set published at <c>auth.jwt.jwksUrl</c> as a configuration whose signing keys are the set's, so
/// that ASP.NET Core's JWT handler fetches it again as it would a discovery document: on schedule, and when a
/// token names a key it does not hold.
/// </summary>
internal sealed partial class JwksRetriever(ILogger<JwksRetriever> logger) : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        try
        {
            var keys = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false));
            var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = keys };
            foreach (var key in keys.GetSigningKeys())
            {
                configuration.SigningKeys.Add(key);
            }

            return configuration;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The keys in hand stay in force; tokens signed by keys never fetched are refused (fail closed). Logged
            // here because the handler reports it only to IdentityModel's own event source.
            LogFetchFailed(ex, address);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching the JWT signing keys from {Url} failed.")]
    private partial void LogFetchFailed(Exception ex, string url);
}
