namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Where each enabled element sits in one scan, as the kernel lays it out (drivers/iio/industrialio-buffer.c,
/// <c>iio_compute_scan_bytes</c>; Documentation/iio/iio_devbuf.rst): elements in ascending <c>_index</c> order, each
/// aligned to its own size (storage bytes × repeat), and the scan padded to a multiple of the largest element — so
/// <c>u16, u32, u32, u64</c> sit at 0, 4, 8, 16 and the scan is 24 bytes.
/// </summary>
public static class IioScanLayout
{
    /// <summary>The channels with their <see cref="IioChannel.ScanOffset"/> set, in index order, and the scan's size in bytes.</summary>
    public static (IReadOnlyList<IioChannel> Channels, int ScanBytes) Compute(IEnumerable<IioChannel> enabled)
    {
        var placed = new List<IioChannel>();
        int bytes = 0, largest = 1;
        foreach (var channel in enabled.OrderBy(c => c.Index))
        {
            var length = channel.Type.ElementBytes;
            bytes = Align(bytes, length);
            placed.Add(channel with { ScanOffset = bytes });
            bytes += length;
            largest = Math.Max(largest, length);
        }
        return (placed, Align(bytes, largest));
    }

    // The kernel's ALIGN(x, a): round x up with a mask (exact for the power-of-two sizes IIO elements have).
    private static int Align(int x, int a) => (x + a - 1) & ~(a - 1);
}
