using Gatehouse.Store.ApiKeys;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.OperatorConsole;

/// <summary>
/// An open page of the console keeps the user it opened with for as long as its connection lives, and makes no request
/// that the cookie's checks could end: so the page itself asks again every <see cref="ConsoleAuthentication.KeyRecheck"/>
/// whether the session still holds (its lifetime, its key), and becomes signed out, sent to sign in, when it does not.
/// </summary>
internal sealed class ConsoleCircuitRevalidation(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => ConsoleAuthentication.KeyRecheck;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (authenticationState.User.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await ConsoleAuthentication.StillHoldsAsync(authenticationState.User, scope.ServiceProvider.GetRequiredService<IApiKeyStore>(),
            time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }
}
