using System.Security.Claims;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Decisions.Tests;

public sealed class GrantResolutionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gatehouse-grants-").FullName;
    private readonly GrantPolicies _grants;

    public GrantResolutionTests()
    {
        File.WriteAllText(Path.Combine(_directory, "policy.json"), """{ "version": "1", "default": "allow" }""");
        var config = GatehouseConfigLoader.Parse("""
            { "mcpServers": { "mail": { "command": "mail-mcp" }, "crm": { "command": "crm-mcp" } },
              "grants": [
                { "id": "by-claim", "server": "mail", "identities": ["claim:groups=marketing"], "policy": "policy.json" },
                { "id": "by-glob",  "server": "mail", "identities": ["ci-*"], "policy": "policy.json" },
                { "id": "by-name",  "server": "mail", "identities": ["ci-release"], "policy": "policy.json" },
                { "id": "crm",      "server": "crm",  "identities": ["*"], "policy": "policy.json" } ] }
            """, Path.Combine(_directory, "gatehouse.json"));
        _grants = new GrantPolicies(config, new FakeTimeProvider(), NullLoggerFactory.Instance);
    }

    public void Dispose()
    {
        _grants.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("ci-release", null, "by-name")]
    [InlineData("ci-nightly", null, "by-glob")]
    [InlineData("ci-nightly", "marketing", "by-glob")]
    [InlineData("alice", "marketing", "by-claim")]
    [InlineData("alice", "sales", null)]
    [InlineData("CI-nightly", null, null)]
    public void A_name_beats_a_glob_which_beats_a_claim(string identity, string? group, string? grant) =>
        Assert.Equal(grant, _grants.Resolve("mail", User(identity, group))?.Grant.Id);

    [Fact]
    public void Grants_are_per_server_and_nobody_unauthenticated_holds_one()
    {
        Assert.Equal("crm", _grants.Resolve("crm", User("anyone", null))?.Grant.Id);
        Assert.Null(_grants.Resolve("mail", new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.Null(_grants.Resolve("mail", null));
    }

    private static ClaimsPrincipal User(string name, string? group)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        if (group is not null)
        {
            claims.Add(new Claim("groups", group));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }
}
