using Gatehouse.Configuration;
using Gatehouse.Relay;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Decisions;

/// <summary>Every grant of the configuration with its policy file, loaded and watched.</summary>
public sealed class GrantPolicies : IAccessCheck, IDisposable
{
    private readonly IReadOnlyList<GrantPolicy> _grants;

    /// <summary>Loads the policy of every grant (a file two grants share is loaded once).</summary>
    /// <exception cref="PolicyLoadException">A policy file cannot be read or does not compile; all such errors are listed.</exception>
    public GrantPolicies(GatehouseConfig config, TimeProvider time, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger<PolicyFile>();
        var files = new Dictionary<string, PolicyFile>(StringComparer.Ordinal);
        var failures = new List<PolicyLoadException>();
        foreach (var path in config.Grants.Select(g => g.PolicyPath).Distinct(StringComparer.Ordinal))
        {
            try
            {
                files[path] = PolicyFile.Load(path, time, logger);
            }
            catch (PolicyLoadException ex)
            {
                failures.Add(ex);
            }
        }

        if (failures.Count > 0)
        {
            foreach (var file in files.Values)
            {
                file.Dispose();
            }

            throw new PolicyLoadException(failures);
        }

        _grants = [.. config.Grants.Select(g => new GrantPolicy(g, files[g.PolicyPath]))];
    }

    /// <summary>The grant that gives <paramref name="identity"/> access to <paramref name="server"/>, if any.</summary>
    public GrantPolicy? Resolve(string server, string? identity)
    {
        if (identity is null)
        {
            return null;
        }

        foreach (var grant in _grants)
        {
            if (grant.Grant.Server == server && grant.Grant.Identities.Contains(identity, StringComparer.Ordinal))
            {
                return grant;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public bool HasAccess(string server, string? identity) => Resolve(server, identity) is not null;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var file in _grants.Select(g => g.Policy).Distinct())
        {
            file.Dispose();
        }
    }
}

/// <summary>A grant and the policy it is under.</summary>
public sealed record GrantPolicy(GrantConfig Grant, PolicyFile Policy);
