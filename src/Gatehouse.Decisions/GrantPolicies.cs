using System.Security.Claims;
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

    /// <summary>Every grant with its policy, as the configuration lists them.</summary>
    public IReadOnlyList<GrantPolicy> All => _grants;

    /// <summary>The grant named <paramref name="grantId"/>, if the configuration has one.</summary>
    public GrantPolicy? Find(string grantId) => _grants.FirstOrDefault(g => g.Grant.Id == grantId);

    /// <summary>
    /// The grant that gives <paramref name="user"/> access to <paramref name="server"/>, if any: one naming the
    /// identity beats one matching it by glob, which beats one matching a claim of its token; among equals the
    /// grant written first wins.
    /// </summary>
    public GrantPolicy? Resolve(string server, ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, Name: { } identity })
        {
            return null;
        }

        GrantPolicy? best = null;
        var bestKind = SelectorKind.Claim + 1;
        foreach (var grant in _grants)
        {
            if (grant.Grant.Server != server)
            {
                continue;
            }

            foreach (var selector in grant.Selectors)
            {
                if (selector.Kind < bestKind && selector.Matches(user, identity))
                {
                    best = grant;
                    bestKind = selector.Kind;
                }
            }
        }

        return best;
    }

    /// <inheritdoc />
    public string? GrantFor(string server, ClaimsPrincipal? user) => Resolve(server, user)?.Grant.Id;

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
public sealed record GrantPolicy(GrantConfig Grant, PolicyFile Policy)
{
    internal IReadOnlyList<IdentitySelector> Selectors { get; } = [.. Grant.Identities.Select(IdentitySelector.Parse)];
}
