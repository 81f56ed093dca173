using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// A scan element's storage format, from its <c>scan_elements/*_type</c> file:
/// <c>[be|le]:[s|u]bits/storagebits[Xrepeat][&gt;&gt;shift]</c> (Linux Documentation/ABI/testing/sysfs-bus-iio and
/// Documentation/iio/iio_devbuf.rst), e.g. <c>le:s12/16&gt;&gt;4</c>: two bytes little-endian, shifted right by 4, the
/// low 12 bits a two's-complement value.
/// </summary>
/// <param name="BigEndian">Byte order of each stored value.</param>
/// <param name="Signed">Two's complement (s) or unsigned (u).</param>
/// <param name="Bits">Valid data bits (1–64).</param>
/// <param name="StorageBits">Bits each value occupies: 8, 16, 32 or 64.</param>
/// <param name="Repeat">Values of this format stored one after the other (1 when the type has no <c>X</c>).</param>
/// <param name="Shift">Right shift applied before masking to <paramref name="Bits"/>.</param>
public sealed partial record IioScanType(bool BigEndian, bool Signed, int Bits, int StorageBits, int Repeat, int Shift)
{
    /// <summary>Bytes of one value.</summary>
    public int StorageBytes => StorageBits / 8;

    /// <summary>Bytes of the whole element (all repeats): its size and its alignment in a scan.</summary>
    public int ElementBytes => StorageBytes * Repeat;

    /// <summary>Parses a <c>_type</c> file's text; <see cref="FormatException"/> names the text and the expected form.</summary>
    public static IioScanType Parse(string text)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success)
            throw new FormatException($"IIO scan type '{text.Trim()}' is not [be|le]:[s|u]bits/storagebits[Xrepeat][>>shift]");
        int Int(string group, int fallback) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : fallback;
        var type = new IioScanType(m.Groups["endian"].Value == "be", m.Groups["sign"].Value is "s" or "S",
            Int("bits", 0), Int("storage", 0), Math.Max(1, Int("repeat", 1)), Int("shift", 0));
        if (type.StorageBits is not (8 or 16 or 32 or 64) || type.Bits is < 1 || type.Bits > type.StorageBits || type.Shift + type.Bits > type.StorageBits)
            throw new FormatException($"IIO scan type '{text.Trim()}': bits {type.Bits}, storage {type.StorageBits} and shift {type.Shift} do not fit (storage 8, 16, 32 or 64 bits)");
        return type;
    }

    /// <summary>The value stored at the start of <paramref name="value"/> (<see cref="StorageBytes"/> bytes), shifted, masked and sign-extended.</summary>
    public long Decode(ReadOnlySpan<byte> value)
    {
        ulong raw = StorageBytes switch
        {
            1 => value[0],
            2 => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(value) : BinaryPrimitives.ReadUInt16LittleEndian(value),
            4 => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(value) : BinaryPrimitives.ReadUInt32LittleEndian(value),
            _ => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(value) : BinaryPrimitives.ReadUInt64LittleEndian(value),
        };
        raw >>= Shift;
        if (Bits == 64) return (long)raw;
        raw &= (1UL << Bits) - 1;
        if (Signed && (raw & (1UL << (Bits - 1))) != 0) return (long)(raw | ~((1UL << Bits) - 1));
        return (long)raw;
    }

    [GeneratedRegex(@"^(?<endian>be|le):(?<sign>[suSU])(?<bits>\d+)/(?<storage>\d+)(?:X(?<repeat>\d+))?(?:>>(?<shift>\d+))?$")]
    private static partial Regex Pattern();
}
