using System.Text.Json;
using Gatehouse.Policy.Parsing;

namespace Gatehouse.Policy.Tests;

public class DurationTests
{
    [Theory]
    [InlineData("\"second\"", 1)]
    [InlineData("\"minute\"", 60)]
    [InlineData("\"hour\"", 3600)]
    [InlineData("\"day\"", 86400)]
    [InlineData("60", 60)]
    [InlineData("1", 1)]
    [InlineData("\"90s\"", 90)]
    [InlineData("\"5m\"", 300)]
    [InlineData("\"2h\"", 7200)]
    [InlineData("\"1d\"", 86400)]
    [InlineData("\"1h30m\"", 5400)]
    [InlineData("\"1d2h3m4s\"", 93784)]
    [InlineData("\"365d\"", 31536000)]
    public void Reads_every_documented_form(string json, int seconds)
    {
        Assert.True(Durations.TryParse(JsonElement.Parse(json), out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("\"\"")]
    [InlineData("\"90\"")]
    [InlineData("\"90x\"")]
    [InlineData("\"1m1h\"")]
    [InlineData("\"minutes\"")]
    [InlineData("\"Minute\"")]
    [InlineData("\"0s\"")]
    [InlineData("\"366d\"")]
    [InlineData("\"99999999999999999999999s\"")]
    [InlineData("31536001")]
    [InlineData("true")]
    [InlineData("null")]
    public void Refuses_anything_else(string json)
    {
        Assert.False(Durations.TryParse(JsonElement.Parse(json), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData(60, "1m")]
    [InlineData(90, "1m30s")]
    [InlineData(86400, "1d")]
    [InlineData(5400, "1h30m")]
    public void Formats_compactly(int seconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
    }
}
