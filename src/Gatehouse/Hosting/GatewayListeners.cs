using System.Net;
using Gatehouse.OperatorConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Hosting;

/// <summary>
/// The addresses the gateway listens on: its own, and the console's when the console has one. Each is listened on as
/// Kestrel reads a URL (<c>localhost</c> on both loopbacks, an IP address on that address, any other host on every
/// interface), but declared one by one, so that the console's connections can be told apart.
/// </summary>
public static class GatewayListeners
{
    /// <summary>Listens on <paramref name="listen"/>, and on <paramref name="consoleListen"/> for the console alone.</summary>
    public static void Configure(ConfigureWebHostBuilder webHost, string listen, string? consoleListen) =>
        webHost.ConfigureKestrel(kestrel =>
        {
            // Declared first, bound first: the gateway's address comes first in the server's addresses.
            Listen(kestrel, listen, configure: null);
            if (consoleListen is not null)
            {
                Listen(kestrel, consoleListen, ConsoleListener.Mark);
            }
        });

    /// <summary>The base URL of the gateway's endpoints and that of the console (the same one, unless the console has its own).</summary>
    public static (string Gateway, string Console) Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var gateway = app.Urls.First();
        return (gateway, app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Listen is null ? gateway : app.Urls.Last());
    }

    private static void Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions>? configure)
    {
        var address = BindingAddress.Parse(url);
        void Each(ListenOptions listener)
        {
            if (address.Scheme == Uri.UriSchemeHttps)
            {
                listener.UseHttps();
            }

            configure?.Invoke(listener);
        }

        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, Each);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, Each);
        }
        else
        {
            kestrel.ListenAnyIP(address.Port, Each);
        }
    }
}
