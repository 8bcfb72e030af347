using System.Collections.ObjectModel;
using Gatehouse.Policy;

namespace Gatehouse.Configuration;

/// <summary>
/// One entry of <c>mcpServers</c>: the fields MCP clients already write, plus the gateway's own limits.
/// Stdio fields are set only when <see cref="Kind"/> is <see cref="UpstreamKind.Stdio"/>, HTTP fields only
/// when it is <see cref="UpstreamKind.Http"/>.
/// </summary>
public sealed record UpstreamServerConfig
{
    public const int DefaultMaxSessions = 64;
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromMinutes(2);

    public required string Name { get; init; }

    public required UpstreamKind Kind { get; init; }

    public string? Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    public string? Cwd { get; init; }

    public Uri? Url { get; init; }

    public UpstreamTransport Transport { get; init; } = UpstreamTransport.AutoDetect;

    /// <summary>Keyed case-insensitively, as HTTP header names are.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>
    /// Set when the server requires OAuth: Gatehouse is then its client and sends each person's own upstream token,
    /// never the token the person's MCP client presented to Gatehouse.
    /// </summary>
    public UpstreamOAuthConfig? OAuth { get; init; }

    /// <summary>Whether client requests of methods Gatehouse does not know are relayed instead of refused.</summary>
    public bool AllowUnknownMethods { get; init; }

    /// <summary>Concurrent client sessions, each paired with its own upstream session or process.</summary>
    public int MaxSessions { get; init; } = DefaultMaxSessions;

    /// <summary>
    /// Concurrent sessions one identity may hold on this server, so that one agent cannot take every session;
    /// null leaves only <see cref="MaxSessions"/>.
    /// </summary>
    public int? MaxSessionsPerIdentity { get; init; }

    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    public TimeSpan CallTimeout { get; init; } = DefaultCallTimeout;

    /// <summary>The operator's own class for some of the server's tools, by tool name, in place of the catalog's.</summary>
    public IReadOnlyDictionary<string, ToolClassOverride> ToolClasses { get; init; } = ReadOnlyDictionary<string, ToolClassOverride>.Empty;

    /// <summary>Kept rather than dropped so that tools can show the server and grants can still name it.</summary>
    public bool Disabled { get; init; }

    /// <summary>
    /// The pool of processes that serves this stdio server's 2026-07-28 requests; null when the operator set none, and
    /// such clients then fall back to sessions, each with a process of its own.
    /// </summary>
    public ProcessPoolConfig? Pool { get; init; }
}

/// <summary>An operator's class for one tool: what the catalog then says of it, with the operator's reason.</summary>
/// <summary>
/// The processes of a stdio server that requests of MCP 2026-07-28 share, per grant: <see cref="Min"/> kept running
/// ahead of demand, up to <see cref="Max"/> under load. A request has no session, so a pool is for servers whose state
/// may be shared by one grant's callers.
/// </summary>
/// <param name="Min">Processes kept running while the gateway runs (0: started at the first request).</param>
/// <param name="Max">The most processes at once.</param>
/// <param name="Sessions">Whether 2025 sessions of the grant share the pool too, instead of each starting a process.</param>
public sealed record ProcessPoolConfig(int Min, int Max, bool Sessions = false)
{
    public const int DefaultMin = 1;
    public const int DefaultMax = 4;

    /// <summary>The most a pool may name; more processes than this per grant is a mistake, not a plan.</summary>
    public const int Largest = 64;
}

public sealed record ToolClassOverride(ToolCategory Category, ToolRisk Risk, string? Reason);
