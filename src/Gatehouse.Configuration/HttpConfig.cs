namespace Gatehouse.Configuration;

/// <summary>
/// Origin and Host values accepted in addition to loopback ones, which guard against DNS rebinding.
/// </summary>
public sealed record HttpConfig
{
    /// <summary>Normalized origins such as <c>https://app.example.com</c>.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Host header values such as <c>gatehouse.example.com</c> or <c>10.0.0.5:8080</c>.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
}
