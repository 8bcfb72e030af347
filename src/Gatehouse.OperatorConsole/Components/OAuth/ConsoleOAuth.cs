using Gatehouse.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.OperatorConsole.Components.OAuth;

/// <summary>Whether this Gatehouse runs its authorization server: the host adds its services only when <c>oauth</c> is configured.</summary>
internal static class ConsoleOAuth
{
    public static bool IsOn(IServiceProvider services) => services.GetService<OAuthAdministration>() is not null;
}
