using System.Text.RegularExpressions;
using Gatehouse.Testing;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>
/// <c>gatehouse demo</c> as a process of its own (the console is served from its build, as an operator's is), with an
/// admin key and an approver key created by the command line against its store.
/// </summary>
public sealed class ConsoleGateway : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private GatehouseProcess _gateway = null!;

    /// <summary>The gateway's address.</summary>
    public Uri BaseUrl => _gateway.BaseUrl;

    /// <summary>A key with the admin role, for identity <c>ops</c>.</summary>
    public string AdminKey { get; private set; } = "";

    /// <summary>A key with the approver role of one grant only, for identity <c>alice</c>.</summary>
    public string ApproverKey { get; private set; } = "";

    /// <summary>Connects an MCP client (the SDK's) to the demo server as the demo's agent (anonymous, identity <c>demo</c>).</summary>
    public Task<ModelContextProtocol.Client.McpClient> ConnectAgentAsync() => _gateway.ConnectAsync("listmonk");

    /// <summary>A key with the approver role of every grant, for identity <c>carol</c>.</summary>
    public string ApproverOfEveryGrantKey { get; private set; } = "";

    /// <summary>The demo's configuration file, for commands run against the running gateway's store.</summary>
    public string ConfigPath => _directory.File("gatehouse.json");

    /// <summary>The one-time sign-in link the demo printed (its path).</summary>
    public string SignInLink { get; private set; } = "";

    /// <summary>The gateway's last output lines, for failure messages.</summary>
    public string RecentOutput => _gateway.RecentOutput;

    public async Task InitializeAsync()
    {
        _gateway = await GatehouseProcess.StartAsync(["demo", "--listen", "http://127.0.0.1:0", "--dir", _directory.Path]);
        SignInLink = await Eventually.UntilAsync(() => Task.FromResult(PrintedLink()), "console link in the demo's output",
            context: () => _gateway.RecentOutput);
        AdminKey = await CreateKeyAsync("ops", "admin");
        ApproverKey = await CreateKeyAsync("alice", "approver:agents");
        ApproverOfEveryGrantKey = await CreateKeyAsync("carol", "approver");
    }

    private string? PrintedLink() =>
        Regex.Match(_gateway.RecentOutput, @"Console:\s+(\S+)") is { Success: true } match ? new Uri(match.Groups[1].Value).PathAndQuery : null;

    /// <summary>Runs <c>gatehouse keys create</c> against the demo's store and returns the secret it prints first.</summary>
    public async Task<string> CreateKeyAsync(string identity, string role)
    {
        var result = await CliRunner.RunAsync("keys", "create", "--identity", identity, "--role", role, "--config", ConfigPath);
        return result.ExitCode == 0 ? result.Output.Split('\n')[0].Trim() : throw new InvalidOperationException($"keys create failed: {result.Output}{result.Error}");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _directory.Dispose();
    }
}
