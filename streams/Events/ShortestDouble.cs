using System.Globalization;
using System.Numerics;

namespace SensorStream.Streams.Events;

/// <summary>
/// The text of a double as <c>double.TryFormat(utf8, "R", CultureInfo.InvariantCulture)</c> writes it — the same
/// bytes — about 4× faster: shortest round-trip digits by Giulietti's Schubfach algorithm ("The Schubfach way to
/// render doubles", 2020; the algorithm of Java 19's <c>Double.toString</c>), laid out as .NET's "R" does (fixed
/// notation for decimal exponents −5..14, else <c>d.dddE±XX</c>, <c>-0</c> for negative zero). The rare values where
/// the two algorithms could legitimately choose differently (a candidate exactly on a rounding-interval boundary or a
/// tie, powers of two, subnormals, NaN and infinities) are handed to .NET's own formatter, so the output is .NET's by
/// construction there and by test elsewhere (ExportWriterTests compares millions of values).
/// </summary>
public static class ShortestDouble
{
    /// <summary>Room every result fits in: sign, 17 digits, point, <c>E-324</c>; "R" needs at most 25 characters.</summary>
    public const int MaxLength = 32;

    private const int MinExponent = -1074; // Q_MIN: the binary exponent of the smallest subnormal's unit
    private const ulong HiddenBit = 1UL << 52;
    private const ulong FractionMask = HiddenBit - 1;
    private const ulong Low63 = (1UL << 63) - 1;
    private const int MinK = -324;
    private const int MaxK = 292;

    /// <summary>
    /// For k in <see cref="MinK"/>..<see cref="MaxK"/>: g = ⌊β⌋ + 1 where 10^−k = β·2^r with 2^125 ≤ β &lt; 2^126,
    /// split into its high and low 63 bits (pairs at 2(k − MinK), 2(k − MinK) + 1). Computed exactly at start-up.
    /// </summary>
    private static readonly ulong[] G = BuildG();

    /// <summary>Writes the "R" text of <paramref name="value"/> into <paramref name="destination"/> (≥ <see cref="MaxLength"/> bytes); returns its length.</summary>
    public static int Format(double value, Span<byte> destination)
    {
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var fraction = bits & FractionMask;
        var biased = (int)(bits >> 52) & 0x7FF;
        if (biased == 0 || biased == 0x7FF || fraction == 0) return Fallback(value, destination); // subnormal, zero, NaN, ±∞, a power of two
        var c = HiddenBit | fraction;
        var q = biased - 1075;
        ulong digits;
        int exponent;
        if (q is < 0 and > -53 && (c >> -q) << -q == c)
        {
            // An integer below 2^53: its own digits are the shortest.
            digits = c >> -q;
            exponent = 0;
        }
        else if (!TryShortest(q, c, out digits, out exponent)) return Fallback(value, destination);
        return Layout(value < 0, digits, exponent, destination);
    }

    private static int Fallback(double value, Span<byte> destination)
    {
        value.TryFormat(destination, out var n, "R", CultureInfo.InvariantCulture);
        return n;
    }

    /// <summary>
    /// Schubfach for v = c·2^q (c with its hidden bit, so the rounding interval is symmetric): the shortest decimal
    /// digits·10^exponent inside it, the closest one when two are. False when a candidate lies exactly on the
    /// interval's boundary (which the parse of an even c would round to v) or exactly halfway: left to .NET.
    /// </summary>
    private static bool TryShortest(int q, ulong c, out ulong digits, out int exponent)
    {
        var even = (c & 1) == 0;
        var cb = c << 2;
        var cbr = cb + 2;
        var cbl = cb - 2;
        var k = FloorLog10Pow2(q);
        var h = q + FloorLog2Pow10(-k) + 2;
        var at = 2 * (k - MinK);
        var (g1, g0) = (G[at], G[at + 1]);
        var vb = RoundToOdd(g1, g0, cb << h);
        var vbl = RoundToOdd(g1, g0, cbl << h);
        var vbr = RoundToOdd(g1, g0, cbr << h);
        var s = vb >> 2;
        digits = 0;
        exponent = 0;
        if (s >= 100)
        {
            // One digit fewer: the interval (under 10 units wide) holds at most one multiple of 10.
            var sp10 = s / 10 * 10;
            var tp10 = sp10 + 10;
            if (even && (vbl == sp10 << 2 || tp10 << 2 == vbr)) return false;
            var upin = vbl < sp10 << 2;
            var wpin = tp10 << 2 < vbr;
            if (upin != wpin)
            {
                (digits, exponent) = (upin ? sp10 : tp10, k);
                return true;
            }
        }
        var t = s + 1;
        if (even && (vbl == s << 2 || t << 2 == vbr)) return false;
        var uin = vbl < s << 2;
        var win = t << 2 < vbr;
        if (uin != win)
        {
            (digits, exponent) = (uin ? s : t, k);
            return true;
        }
        var cmp = (long)(vb - ((s + t) << 1));
        if (cmp == 0) return false;
        (digits, exponent) = (cmp < 0 ? s : t, k);
        return true;
    }

    /// <summary>⌊g·cp / 2^127⌋ with its lowest bit set when the division was inexact (Schubfach's round to odd).</summary>
    private static ulong RoundToOdd(ulong g1, ulong g0, ulong cp)
    {
        var x1 = Math.BigMul(g0, cp, out _);
        var y1 = Math.BigMul(g1, cp, out var y0);
        var z = (y0 >> 1) + x1;
        var vbp = y1 + (z >> 63);
        return vbp | (((z & Low63) + Low63) >> 63);
    }

    /// <summary>⌊q·log10(2)⌋ for |q| ≤ 2000 (the integer approximation Schubfach uses; checked against exact values by test).</summary>
    public static int FloorLog10Pow2(int q) => (int)((q * 661_971_961_083L) >> 41);

    /// <summary>⌊e·log2(10)⌋ for |e| ≤ 400 (as <see cref="FloorLog10Pow2"/>).</summary>
    public static int FloorLog2Pow10(int e) => (int)((e * 913_124_641_741L) >> 38);

    /// <summary>digits·10^exponent (digits &gt; 0, trailing zeros allowed) as .NET's "R" writes it.</summary>
    private static int Layout(bool negative, ulong digits, int exponent, Span<byte> destination)
    {
        while (digits % 10 == 0)
        {
            digits /= 10;
            exponent++;
        }
        var count = DigitCount(digits);
        // The value is 0.d × 10^scale.
        var scale = count + exponent;
        var n = negative ? 1 : 0;
        if (negative) destination[0] = (byte)'-';
        if (scale > 17 || scale < -3)
        {
            // d.ddd, then E, a sign and at least two exponent digits.
            WriteDigits(digits, destination.Slice(n + 1, count));
            destination[n] = destination[n + 1];
            if (count > 1)
            {
                destination[n + 1] = (byte)'.';
                n += count + 1;
            }
            else n++;
            destination[n++] = (byte)'E';
            var e = scale - 1;
            destination[n++] = e < 0 ? (byte)'-' : (byte)'+';
            e = Math.Abs(e);
            if (e >= 100) destination[n++] = (byte)('0' + e / 100);
            destination[n++] = (byte)('0' + e / 10 % 10);
            destination[n++] = (byte)('0' + e % 10);
            return n;
        }
        if (scale <= 0)
        {
            destination[n++] = (byte)'0';
            destination[n++] = (byte)'.';
            destination.Slice(n, -scale).Fill((byte)'0');
            n += -scale;
            WriteDigits(digits, destination.Slice(n, count));
            return n + count;
        }
        if (count <= scale)
        {
            WriteDigits(digits, destination.Slice(n, count));
            destination.Slice(n + count, scale - count).Fill((byte)'0');
            return n + scale;
        }
        // The integer digits move one place left to make room for the point.
        WriteDigits(digits, destination.Slice(n + 1, count));
        destination.Slice(n + 1, scale).CopyTo(destination[n..]);
        destination[n + scale] = (byte)'.';
        return n + count + 1;
    }

    /// <summary>Decimal digits of <paramref name="value"/> (&gt; 0).</summary>
    private static int DigitCount(ulong value)
    {
        var count = 1;
        while (count < PowersOf10.Length && value >= PowersOf10[count]) count++;
        return count;
    }

    private static readonly ulong[] PowersOf10 = [.. Enumerable.Range(0, 20).Select(i => (ulong)BigInteger.Pow(10, i))];

    /// <summary>Fills <paramref name="destination"/> (exactly the digit count long) with the digits of <paramref name="value"/>, two at a time.</summary>
    private static void WriteDigits(ulong value, Span<byte> destination)
    {
        var at = destination.Length;
        var pairs = TwoDigits;
        while (at >= 2)
        {
            var pair = (int)(value % 100) * 2;
            value /= 100;
            destination[--at] = pairs[pair + 1];
            destination[--at] = pairs[pair];
        }
        if (at == 1) destination[0] = (byte)('0' + (int)value);
    }

    /// <summary>"00", "01", … "99" as ASCII.</summary>
    private static readonly byte[] TwoDigits = [.. Enumerable.Range(0, 100).SelectMany(i => new[] { (byte)('0' + i / 10), (byte)('0' + i % 10) })];

    private static ulong[] BuildG()
    {
        var g = new ulong[2 * (MaxK - MinK + 1)];
        for (var k = MinK; k <= MaxK; k++)
        {
            BigInteger floor;
            if (k <= 0)
            {
                // 10^-k is an integer: shift it into [2^125, 2^126).
                var n = BigInteger.Pow(10, -k);
                var shift = (int)n.GetBitLength() - 126;
                floor = shift >= 0 ? n >> shift : n << -shift;
            }
            else
            {
                // 10^-k = 1/10^k: ⌊2^s / 10^k⌋ with s chosen so that it falls in [2^125, 2^126).
                var d = BigInteger.Pow(10, k);
                var s = 125 + (int)d.GetBitLength();
                floor = (BigInteger.One << s) / d;
                if (floor >= BigInteger.One << 126) floor = (BigInteger.One << (s - 1)) / d;
            }
            var value = floor + 1;
            g[2 * (k - MinK)] = (ulong)(value >> 63);
            g[2 * (k - MinK) + 1] = (ulong)(value & Low63);
        }
        return g;
    }
}
