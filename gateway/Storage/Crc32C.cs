using System.Buffers.Binary;
using System.Numerics;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of every stored record. System.IO.Hashing has no CRC-32C, but
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> is in the BCL and uses the SSE4.2/ARMv8 instruction when present.
/// </summary>
public static class Crc32C
{
    /// <summary>CRC-32C of <paramref name="data"/>, continuing from <paramref name="crc"/> (0 for a fresh checksum).</summary>
    public static uint Compute(ReadOnlySpan<byte> data, uint crc = 0)
    {
        var state = ~crc;
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) state = BitOperations.Crc32C(state, b);
        return ~state;
    }
}
