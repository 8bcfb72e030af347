using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using OpenIddict.Abstractions;

namespace Gatehouse.Store.OAuth;

/// <summary>The JSON text lists and property bags are kept as; null stands for empty, so that an empty one costs nothing.</summary>
internal static class OAuthJson
{
    public static ImmutableArray<string> ReadList(string? json) =>
        json is null ? [] : [.. JsonSerializer.Deserialize<string[]>(json) ?? []];

    public static string? WriteList(ImmutableArray<string> values) =>
        values.IsDefaultOrEmpty ? null : JsonSerializer.Serialize(values.ToArray());

    public static ImmutableDictionary<string, JsonElement> ReadProperties(string? json) =>
        json is null ? ImmutableDictionary<string, JsonElement>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? []).ToImmutableDictionary(StringComparer.Ordinal);

    public static string? WriteProperties(ImmutableDictionary<string, JsonElement> properties) =>
        properties is null || properties.IsEmpty ? null : JsonSerializer.Serialize(properties);

    public static ImmutableDictionary<string, string> ReadSettings(string? json) =>
        json is null ? ImmutableDictionary<string, string>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []).ToImmutableDictionary(StringComparer.Ordinal);

    public static string? WriteSettings(ImmutableDictionary<string, string> settings) =>
        settings is null || settings.IsEmpty ? null : JsonSerializer.Serialize(settings);

    public static ImmutableDictionary<CultureInfo, string> ReadNames(string? json) =>
        json is null ? ImmutableDictionary<CultureInfo, string>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [])
                .ToImmutableDictionary(pair => CultureInfo.GetCultureInfo(pair.Key), pair => pair.Value);

    public static string? WriteNames(ImmutableDictionary<CultureInfo, string> names) =>
        names is null || names.IsEmpty ? null : JsonSerializer.Serialize(names.ToDictionary(pair => pair.Key.Name, pair => pair.Value));

    /// <summary>The refusal of a query OpenIddict would run as LINQ: the store speaks SQL, and Gatehouse asks only what it names.</summary>
    public static NotSupportedException NoQueries(string store) =>
        new($"The {store} over Gatehouse's store does not run LINQ queries; use the store's named look-ups instead.");

    /// <summary>What OpenIddict is told when a row changed since it was read (another request redeemed or revoked it first).</summary>
    public static OpenIddictExceptions.ConcurrencyException Changed(string what) =>
        new($"The {what} was changed or removed by another request since it was read.");
}
