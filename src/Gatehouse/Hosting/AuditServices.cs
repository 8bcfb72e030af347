using System.Security.Cryptography;
using System.Text;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Hosting;

/// <summary>Registers the audit log: group commits into the state store, or nothing when the operator turned it off.</summary>
public static class AuditServices
{
    /// <summary>The checkpoint key's file inside the data directory, when the configuration gives none.</summary>
    public const string CheckpointKeyFileName = "audit-checkpoint.key";

    /// <summary>Adds <see cref="IAuditLog"/> and <see cref="CheckpointSigner"/>; the store itself comes with the state store.</summary>
    public static IServiceCollection AddGatehouseAudit(this IServiceCollection services, GatehouseConfig config)
    {
        if (config.Audit.Enabled)
        {
            services.Replace(ServiceDescriptor.Singleton<IAuditLog, GroupCommitAuditLog>());
        }
        else
        {
            services.Replace(ServiceDescriptor.Singleton<IAuditLog, DisabledAuditLog>());
        }

        services.TryAddSingleton(_ => new CheckpointSigner(CheckpointKey(config)));
        return services;
    }

    /// <summary>
    /// The configured key, or the data directory's key file, created with a random key on first use and readable
    /// by Gatehouse's user only.
    /// </summary>
    public static byte[] CheckpointKey(GatehouseConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Audit.CheckpointKey is { } configured)
        {
            return Encoding.UTF8.GetBytes(configured);
        }

        var path = Path.Combine(config.DataDir, CheckpointKeyFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(config.DataDir);
            // Written aside and moved into place, so another process never reads a half-written key.
            var written = $"{path}.{Environment.ProcessId}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(written, options))
            {
                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            }

            try
            {
                File.Move(written, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another Gatehouse process on this data directory made one first: use theirs.
                File.Delete(written);
            }
        }

        return Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
    }
}
