namespace Gatehouse.Configuration;

public sealed record AuthConfig
{
    /// <summary>The identity that requests without credentials act as; null refuses them.</summary>
    public string? Anonymous { get; init; }
}
