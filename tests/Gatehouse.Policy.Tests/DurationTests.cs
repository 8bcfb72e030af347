using System.Text.Json;

namespace Gatehouse.Policy.Tests;

public class DurationTests
{
    [Theory]
    [InlineData("\"second\"", 1_000)]
    [InlineData("\"minute\"", 60_000)]
    [InlineData("\"hour\"", 3_600_000)]
    [InlineData("\"day\"", 86_400_000)]
    [InlineData("60", 60_000)]
    [InlineData("1", 1_000)]
    [InlineData("0.5", 500)]
    [InlineData("1.250", 1_250)]
    [InlineData("0.001", 1)]
    [InlineData("1e3", 1_000_000)]
    [InlineData("\"90s\"", 90_000)]
    [InlineData("\"5m\"", 300_000)]
    [InlineData("\"2h\"", 7_200_000)]
    [InlineData("\"1d\"", 86_400_000)]
    [InlineData("\"500ms\"", 500)]
    [InlineData("\"1s500ms\"", 1_500)]
    [InlineData("\"1h30m\"", 5_400_000)]
    [InlineData("\"0h30m\"", 1_800_000)]
    [InlineData("\"1d2h3m4s5ms\"", 93_784_005)]
    [InlineData("\"36500d\"", 3_153_600_000_000)]
    [InlineData("3153600000", 3_153_600_000_000)]
    public void Reads_every_documented_form(string json, long milliseconds)
    {
        Assert.True(Durations.TryRead(JsonElement.Parse(json), out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("0", "must be longer than zero")]
    [InlineData("-5", "must be longer than zero")]
    [InlineData("-1e400", "must be longer than zero")]
    [InlineData("0.0005", "0.0005 seconds is not a whole number of milliseconds")]
    [InlineData("3153600000.001", "must not be longer than 36500 days")]
    [InlineData("1e400", "must not be longer than 36500 days")]
    [InlineData("\"\"", "\"\" is not a duration")]
    [InlineData("\"90\"", "\"90\" is not a duration")]
    [InlineData("\"90x\"", "\"90x\" is not a duration")]
    [InlineData("\"1m1h\"", "\"1m1h\" is not a duration")]
    [InlineData("\"5ms5m\"", "\"5ms5m\" is not a duration")]
    [InlineData("\"1.5s\"", "\"1.5s\" is not a duration")]
    [InlineData("\"-1s\"", "\"-1s\" is not a duration")]
    [InlineData("\"+1s\"", "\"+1s\" is not a duration")]
    [InlineData("\" 1s\"", "\" 1s\" is not a duration")]
    [InlineData("\"1 s\"", "\"1 s\" is not a duration")]
    [InlineData("\"1w\"", "\"1w\" is not a duration")]
    [InlineData("\"0s\"", "must be longer than zero")]
    [InlineData("\"0ms\"", "must be longer than zero")]
    [InlineData("\"36501d\"", "must not be longer than 36500 days")]
    [InlineData("\"99999999999999999999999s\"", "must not be longer than 36500 days")]
    [InlineData("true", "must be a number of seconds")]
    [InlineData("null", "must be a number of seconds")]
    public void Refuses_anything_else_saying_why(string json, string error)
    {
        Assert.False(Durations.TryRead(JsonElement.Parse(json), out _, out var refused));
        Assert.StartsWith(error, refused, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("minutes", "minute")]
    [InlineData("Minute", "minute")]
    [InlineData("huor", "hour")]
    [InlineData("1H30M", "1h30m")]
    [InlineData("500MS", "500ms")]
    public void Says_which_duration_a_near_miss_probably_meant(string text, string meant)
    {
        Assert.False(Durations.TryParse(text, out _, out var error));
        Assert.EndsWith($"; did you mean \"{meant}\"?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_without_a_near_miss_gets_no_suggestion()
    {
        Assert.False(Durations.TryParse("fortnight", out _, out var error));
        Assert.DoesNotContain("did you mean", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60_000, "1m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(86_400_000, "1d")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(1_500, "1s500ms")]
    [InlineData(93_784_005, "1d2h3m4s5ms")]
    public void Formats_compactly_as_it_reads_back(long milliseconds, string expected)
    {
        var duration = TimeSpan.FromMilliseconds(milliseconds);

        Assert.Equal(expected, Durations.Format(duration));
        Assert.True(Durations.TryParse(expected, out var read, out _));
        Assert.Equal(duration, read);
    }
}
