namespace Gatehouse.Configuration.Tests;

/// <summary>Parses configuration text without touching the disk, as if it were a file in <see cref="Directory"/>.</summary>
internal static class TestConfig
{
    public static readonly string Directory = Path.Combine(Path.GetTempPath(), "gatehouse-virtual");

    public static readonly string FilePath = Path.Combine(Directory, "gatehouse.json");

    public static GatehouseConfig Parse(string json, IReadOnlyDictionary<string, string>? environment = null) =>
        GatehouseConfigLoader.Parse(json, FilePath, name => environment?.GetValueOrDefault(name));

    public static IReadOnlyList<ConfigError> Errors(string json, IReadOnlyDictionary<string, string>? environment = null) =>
        Assert.Throws<ConfigurationException>(() => Parse(json, environment)).Errors;

    public static ConfigError SingleError(string json, IReadOnlyDictionary<string, string>? environment = null) =>
        Assert.Single(Errors(json, environment));

    /// <summary>A config with one valid stdio server named "s", for tests about other sections.</summary>
    public static string WithServer(string rest) => $$"""{ "mcpServers": { "s": { "command": "x" } }, {{rest}} }""";
}
