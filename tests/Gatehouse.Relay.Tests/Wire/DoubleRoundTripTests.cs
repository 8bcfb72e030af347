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
    [InlineData("9007199254740991")]
    [InlineData("9007199254740992")]
    [InlineData("1e21")]
    [InlineData("-1e22")]
    [InlineData("0.30000000000000000")]
    [InlineData("1152921504606846976")]
    [InlineData("1152921504606846976.000")]
    [InlineData("179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368")]
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
    [InlineData("1152921504606847000")]
    [InlineData("1.152921504606847e18")]
    [InlineData("-1.152921504606847E+18")]
    [InlineData("1e23")]
    [InlineData("1.7976931348623157e308")]
    // From 2^53 on only the double's exact integer: the shortest form of 2^60 is read as 1152921504606847000 by
    // Python and by Gatehouse, as 1152921504606846976 by JavaScript and Go.
    public void Numbers_a_double_changes_do_not(string literal) =>
        Assert.False(DoubleRoundTrip.Survives(Encoding.ASCII.GetBytes(literal)));
}
