namespace Gatehouse.Configuration;

/// <summary>Binds identities to one upstream server under one policy file.</summary>
public sealed record GrantConfig
{
    /// <summary>Also the key of <c>scope: "grant"</c> rate-limit counters.</summary>
    public required string Id { get; init; }

    public required string Server { get; init; }

    public required IReadOnlyList<string> Identities { get; init; }

    public required string PolicyPath { get; init; }
}
