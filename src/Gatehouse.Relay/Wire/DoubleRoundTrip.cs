using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gatehouse.Relay.Wire;

/// <summary>
/// Whether a JSON number means the same to a reader of exact decimals (Gatehouse's checks) as to a reader of IEEE
/// doubles (JavaScript, Python's <c>float</c>, Go's <c>float64</c>): true when the double nearest to the literal,
/// written back in its shortest form, is the same decimal number as the literal.
/// </summary>
/// <remarks>
/// <c>0.1</c> passes (its double prints as <c>0.1</c>); <c>1.0000000000000000000001</c> does not (its double is 1),
/// nor does <c>9007199254740993</c> (its double is 2^53), nor <c>1e400</c> (infinite). From 2^53 on every double is
/// an integer, and the literal must be that integer exactly: <c>1152921504606846976</c> (2^60) passes, while its
/// shortest form <c>1152921504606847000</c> (or <c>1.152921504606847e18</c>) does not, since Python reads an integer
/// literal exactly, JavaScript and Go read 2^60, and Gatehouse would compare 1152921504606847000 with a policy's
/// 1152921504606846976 and find them different.
/// </remarks>
public static class DoubleRoundTrip
{
    // Past this the literal cannot be a finite, non-zero double anyway; saturating keeps the arithmetic from overflowing.
    private const long ExponentLimit = 1_000_000;

    // 2^53: from here on a double's shortest form is not its value (2^60 prints as 1.152921504606847E+18).
    private const double FirstInexactShortest = 9007199254740992d;

    /// <summary>Whether the JSON number <paramref name="literal"/> (UTF-8, as a JSON reader validated it) survives.</summary>
    public static bool Survives(ReadOnlySpan<byte> literal)
    {
        if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return false;
        }

        Span<byte> shortest = stackalloc byte[32];
        if (Math.Abs(value) >= FirstInexactShortest)
        {
            // The double's exact value, every digit of it (at most 309).
            shortest = Encoding.ASCII.GetBytes(new BigInteger(value).ToString(CultureInfo.InvariantCulture));
        }
        else if (value.TryFormat(shortest, out var written, "R", CultureInfo.InvariantCulture))
        {
            shortest = shortest[..written];
        }
        else
        {
            return false;
        }

        byte[]? rented = literal.Length > 128 ? ArrayPool<byte>.Shared.Rent(literal.Length) : null;
        try
        {
            Span<byte> literalDigits = rented ?? stackalloc byte[128];
            Span<byte> shortestDigits = shortest.Length > 32 ? new byte[shortest.Length] : stackalloc byte[32];
            var a = Normalize(literal, literalDigits, out var aNegative, out var aExponent);
            var b = Normalize(shortest, shortestDigits, out var bNegative, out var bExponent);
            return aNegative == bNegative && aExponent == bExponent && a.SequenceEqual(b);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Writes the number's significant digits (no leading or trailing zeros) to <paramref name="digits"/> and returns
    /// them, with the sign and the exponent of the last digit, so that <c>1E2</c>, <c>100</c> and <c>100.0</c> compare
    /// equal whatever their spelling. Zero is zero whatever its sign: every reader compares -0 equal to 0.
    /// </summary>
    private static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> number, Span<byte> digits, out bool negative, out long exponent)
    {
        negative = number[0] == '-';
        var count = 0;
        long fractionDigits = 0;
        var inFraction = false;
        var i = negative ? 1 : 0;
        for (; i < number.Length && number[i] is not ((byte)'e' or (byte)'E'); i++)
        {
            if (number[i] == '.')
            {
                inFraction = true;
                continue;
            }

            if (count > 0 || number[i] != '0')
            {
                digits[count++] = number[i];
            }

            if (inFraction)
            {
                fractionDigits++;
            }
        }

        exponent = -fractionDigits;
        if (i < number.Length)
        {
            i++;
            var exponentNegative = number[i] == '-';
            if (number[i] is (byte)'-' or (byte)'+')
            {
                i++;
            }

            long written = 0;
            for (; i < number.Length; i++)
            {
                written = Math.Min(written * 10 + (number[i] - '0'), ExponentLimit);
            }

            exponent += exponentNegative ? -written : written;
        }

        while (count > 0 && digits[count - 1] == '0')
        {
            count--;
            exponent++;
        }

        if (count == 0)
        {
            negative = false;
            exponent = 0;
        }

        return digits[..count];
    }
}
