using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>
/// <c>gatehouse serve</c> as a process of its own, whose console is on an address of its own and signs people in with a
/// real OpenID Connect provider (<see cref="IdentityProvider"/>, in this process) that knows an admin, an approver and
/// someone with no role.
/// </summary>
public sealed class ProviderConsoleGateway : IAsyncLifetime
{
    /// <summary>The name the sign-in button gives the provider.</summary>
    public const string ProviderName = "Test IdP";

    /// <summary>A person with the admin role.</summary>
    public const string Admin = "ada";

    /// <summary>A person with the approver role of every grant.</summary>
    public const string Approver = "bob";

    /// <summary>A person the provider knows, with no role.</summary>
    public const string NoRole = "eve";

    private const string ClientId = "gatehouse-console";
    private const string ClientSecret = "console-secret-of-this-test";

    private readonly TestDirectory _directory = new();
    private IdentityProvider _provider = null!;
    private GatehouseProcess _gateway = null!;

    /// <summary>Where the console is served, apart from the gateway's address.</summary>
    public Uri ConsoleUrl { get; private set; } = null!;

    /// <summary>The gateway's configuration file, for commands run against its store.</summary>
    public string ConfigPath => _directory.File("gatehouse.json");

    public async Task InitializeAsync()
    {
        var options = new IdentityProviderOptions();
        options.Users[Admin] = ["admin"];
        options.Users[Approver] = ["approver"];
        options.Users[NoRole] = [];
        _provider = await IdentityProvider.StartAsync(options);
        GatewayConfigFile.Write(_directory, Upstreams.Servers(("listmonk", Upstreams.Demo(_directory.File("listmonk.db")))), listen: "http://127.0.0.1:0",
            auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = _provider.Issuer.AbsoluteUri, ["audience"] = options.Audience } },
            sections: new JsonObject
            {
                ["console"] = new JsonObject
                {
                    ["listen"] = "http://127.0.0.1:0",
                    ["oidc"] = new JsonObject { ["clientId"] = ClientId, ["clientSecret"] = "${file:console-secret}", ["displayName"] = ProviderName },
                },
            });
        // From a file, as a mounted secret: the command line reads the same configuration without the gateway's environment.
        _directory.Write("console-secret", ClientSecret);
        _gateway = await GatehouseProcess.StartAsync(ConfigPath);
        var consoleUrl = await Eventually.UntilAsync(() => Task.FromResult(PrintedConsoleUrl()), "console address in the gateway's output",
            context: () => _gateway.RecentOutput);
        ConsoleUrl = consoleUrl;
        // Registered once the console's address is known, as an operator registers the console at their provider.
        options.Clients[ClientId] = new ProviderClient(ClientId, ClientSecret, [new Uri(consoleUrl, "/ui/signin-oidc")], [new Uri(consoleUrl, "/ui/signout-oidc")]);
    }

    private Uri? PrintedConsoleUrl() =>
        Regex.Match(_gateway.RecentOutput, @"operator console is at (\S+)/ui") is { Success: true } match ? new Uri(match.Groups[1].Value) : null;

    /// <summary>The audit records of <paramref name="identity"/>, as <c>gatehouse audit query --json</c> prints them.</summary>
    public async Task<string> AuditOfAsync(string identity)
    {
        var result = await CliRunner.RunAsync("audit", "query", "--identity", identity, "--json", "--config", ConfigPath);
        return result.ExitCode == 0 ? result.Output : throw new InvalidOperationException($"audit query failed: {result.Output}{result.Error}");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _provider.DisposeAsync();
        _directory.Dispose();
    }
}
