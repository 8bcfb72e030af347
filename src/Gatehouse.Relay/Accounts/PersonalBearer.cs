namespace Gatehouse.Relay.Accounts;

/// <summary>
/// One person's upstream access token for requests Gatehouse sends itself (MCP 2026-07-28, which has no session for the
/// SDK's client to carry it): read from their tokens, and refreshed through the SDK's OAuth client when it has expired or
/// the upstream refuses it.
/// </summary>
internal sealed class PersonalBearer(UpstreamAccounts accounts, IUpstreamTokenVault vault, Configuration.UpstreamServerConfig server, string? identity,
    TimeProvider time) : IDisposable
{
    // One refresh at a time: a refresh token may be good for one use only (rotation), and two at once would lose the account.
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>The person's access token; <see cref="UpstreamAccountRequiredException"/> when they have not connected.</summary>
    public async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        var tokens = identity is null ? null : await vault.GetAsync(identity, server.Name, cancellationToken).ConfigureAwait(false);
        if (tokens is null)
        {
            throw new UpstreamAccountRequiredException(server.Name, identity);
        }

        var expired = tokens.ExpiresIn is { } seconds && time.GetUtcNow() >= tokens.ObtainedAt.AddSeconds(seconds);
        return expired ? await RefreshAsync(tokens.AccessToken, cancellationToken).ConfigureAwait(false) : tokens.AccessToken;
    }

    /// <summary>A token other than <paramref name="refused"/>: refreshed, unless another request refreshed it meanwhile.</summary>
    public async Task<string> RefreshAsync(string refused, CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (identity is null || await vault.GetAsync(identity, server.Name, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                throw new UpstreamAccountRequiredException(server.Name, identity);
            }

            if (current.AccessToken != refused)
            {
                return current.AccessToken;
            }

            // The SDK's client refreshes on the upstream's 401 (discovery, the token endpoint, its authentication method)
            // and keeps the new tokens; the session it opens for that is not needed after.
            var options = accounts.Options(server, identity, UpstreamAccounts.NoBrowser, async (authorization, ct) =>
                throw await accounts.RefusalAsync(server.Name, identity, gateway: null, authorization.AuthorizationUri, ct).ConfigureAwait(false));
            try
            {
                await using var client = await accounts.ConnectClientAsync(server, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not (UpstreamAccountRequiredException or OperationCanceledException))
            {
                // A server of this revision alone may refuse the session once the refresh is done: the new tokens are what counts.
            }

            var after = await vault.GetAsync(identity, server.Name, cancellationToken).ConfigureAwait(false);
            return after is not null && after.AccessToken != refused ? after.AccessToken : throw new UpstreamAccountRequiredException(server.Name, identity);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// The refusal for the upstream's <c>403 insufficient_scope</c> (<paramref name="response"/>) when it asks for a scope the
    /// person has not allowed: they connect again for the union; null when it asks for nothing new, which asking again would not mend.
    /// </summary>
    public async Task<UpstreamAccountRequiredException?> StepUpAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (identity is null || response.StatusCode != System.Net.HttpStatusCode.Forbidden ||
            response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) is not { Parameter: { } challenge } ||
            BearerChallenge.Parameter(challenge, "error") != "insufficient_scope")
        {
            return null;
        }

        var held = await vault.GetAsync(identity, server.Name, cancellationToken).ConfigureAwait(false);
        return StepUpScope.Of(held?.Scope, BearerChallenge.Parameter(challenge, "scope")) is { } scope
            ? new UpstreamAccountRequiredException(server.Name, identity, scope: scope)
            : null;
    }

    public void Dispose() => _refreshing.Dispose();
}
