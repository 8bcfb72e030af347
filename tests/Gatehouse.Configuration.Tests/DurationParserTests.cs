namespace Gatehouse.Configuration.Tests;

public sealed class DurationParserTests
{
    public static TheoryData<string, TimeSpan> Valid => new()
    {
        { "500ms", TimeSpan.FromMilliseconds(500) },
        { "90s", TimeSpan.FromSeconds(90) },
        { "10m", TimeSpan.FromMinutes(10) },
        { "2h", TimeSpan.FromHours(2) },
        { "1d", TimeSpan.FromDays(1) },
        { "0s", TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_a_whole_number_with_a_unit(string text, TimeSpan expected)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(expected, duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("90")]
    [InlineData("s")]
    [InlineData("1.5s")]
    [InlineData("-1s")]
    [InlineData("+1s")]
    [InlineData(" 1s")]
    [InlineData("1 s")]
    [InlineData("1S")]
    [InlineData("1w")]
    [InlineData("1h30m")]
    [InlineData("99999999999999999999d")]
    [InlineData("10675200d")]
    public void Refuses_anything_else(string? text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1.5, 1500)]
    [InlineData(120, 120_000)]
    public void Reads_a_number_of_seconds(double seconds, double milliseconds)
    {
        Assert.True(DurationParser.TryFromSeconds(seconds, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e300)]
    public void Refuses_seconds_that_are_no_duration(double seconds)
    {
        Assert.False(DurationParser.TryFromSeconds(seconds, out _));
    }
}
