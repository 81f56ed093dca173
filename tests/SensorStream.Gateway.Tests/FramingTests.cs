using System.Text;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Tests;

/// <summary>The checksum and framing every stored record relies on.</summary>
public sealed class FramingTests
{
    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        // Chaining over pieces gives the same checksum as one pass.
        var data = Encoding.UTF8.GetBytes("the quick brown fox jumps over the lazy dog");
        Assert.Equal(Crc32C.Compute(data), Crc32C.Compute(data.AsSpan(17), Crc32C.Compute(data.AsSpan(0, 17))));
    }

    [Fact]
    public void Frames_reject_zeros_truncation_and_flipped_bits()
    {
        var frame = new byte[SegmentRecord.FrameSizeOf(5)];
        SegmentRecord.Encode(frame, 1234, "hello"u8);
        Assert.True(RecordFrame.IsValid(frame));
        Assert.False(RecordFrame.IsValid(new byte[frame.Length]));
        Assert.False(RecordFrame.IsValid(frame.AsSpan(0, frame.Length - 1)));
        frame[^1] ^= 0x01;
        Assert.False(RecordFrame.IsValid(frame));
    }
}
