using Gatehouse.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Hosting;

/// <summary>The keys that protect console sessions and OAuth codes and tokens, kept with the rest of Gatehouse's state.</summary>
public static class DataProtectionKeys
{
    /// <summary>Where, under <c>dataDir</c>, the keys are kept.</summary>
    public const string Directory = "keys";

    /// <summary>
    /// Persists the gateway's Data Protection keys in <c>{dataDir}/keys</c>, so that console sessions and OAuth codes and
    /// tokens survive a restart; by default they would live in the home directory of whoever runs Gatehouse, or in memory
    /// only. The directory is made the process owner's alone: the keys read every token.
    /// </summary>
    public static IServiceCollection AddGatehouseDataProtection(this IServiceCollection services, GatehouseConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var path = Path.Combine(config.DataDir, Directory);
        var keys = OperatingSystem.IsWindows()
            ? System.IO.Directory.CreateDirectory(path)
            : System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        services.AddDataProtection().SetApplicationName("Gatehouse").PersistKeysToFileSystem(keys);
        return services;
    }
}
