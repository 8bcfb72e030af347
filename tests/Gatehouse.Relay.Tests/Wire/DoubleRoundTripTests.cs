using System.Text;
using Gatehouse.Relay.Wire;

namespace Gatehouse.Relay.Tests.Wire;

public sealed class DoubleRoundTripTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.0e10")]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("100")]
    [InlineData("1E2")]
    [InlineData("1e+2")]
    [InlineData("0.1")]
    [InlineData("0.30000000000000004")]
    [InlineData("123.456e-2")]
    [InlineData("5e-324")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("9007199254740991")]
    [InlineData("9007199254740992")]
    [InlineData("1e21")]
    [InlineData("0.30000000000000000")]
    public void Numbers_a_double_holds_exactly_survive(string literal) =>
        Assert.True(DoubleRoundTrip.Survives(Encoding.ASCII.GetBytes(literal)));

    [Theory]
    [InlineData("1.0000000000000000000001")]
    [InlineData("0.1000000000000000000001")]
    [InlineData("9007199254740993")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e-400")]
    [InlineData("2e-324")]
    [InlineData("1e99999999999999999999")]
    public void Numbers_a_double_changes_do_not(string literal) =>
        Assert.False(DoubleRoundTrip.Survives(Encoding.ASCII.GetBytes(literal)));
}
