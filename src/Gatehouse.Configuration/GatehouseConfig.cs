using System.Collections.ObjectModel;

namespace Gatehouse.Configuration;

/// <summary>The validated contents of <c>gatehouse.json</c>. Every path in it is absolute.</summary>
public sealed record GatehouseConfig
{
    public const string DefaultListen = "http://127.0.0.1:8080";
    public const string DefaultDataDir = "./data";

    public required string ConfigPath { get; init; }

    public string Listen { get; init; } = DefaultListen;

    public required string DataDir { get; init; }

    /// <summary>Keyed ordinally by server name, the segment in <c>/mcp/{server}</c>.</summary>
    public IReadOnlyDictionary<string, UpstreamServerConfig> McpServers { get; init; } =
        ReadOnlyDictionary<string, UpstreamServerConfig>.Empty;

    public IReadOnlyList<GrantConfig> Grants { get; init; } = [];

    public AuthConfig Auth { get; init; } = new();

    public HttpConfig Http { get; init; } = new();

    /// <summary>Where state that outlives a process (API keys) lives.</summary>
    public StoreConfig Store { get; init; } = new();

    /// <summary>Where rate-limit counters live.</summary>
    public CountersConfig Counters { get; init; } = new();

    /// <summary>The audit log.</summary>
    public AuditConfig Audit { get; init; } = new();

    /// <summary>The tool catalog and its pins.</summary>
    public CatalogConfig Catalog { get; init; } = new();

    /// <summary>Metrics and traces.</summary>
    public TelemetryConfig Telemetry { get; init; } = new();

    /// <summary>The operator console's own address and sign-in with the operator's OpenID Connect provider.</summary>
    public ConsoleConfig Console { get; init; } = new();

    /// <summary>Gatehouse as the OAuth authorization server of its MCP endpoints; off unless configured.</summary>
    public OAuthConfig OAuth { get; init; } = new();

    /// <summary>Computed on read so that a <c>--listen</c> override applied with <c>with</c> is reflected.</summary>
    public bool ListenIsLoopback => ListenAddress.IsLoopback(Listen);
}
