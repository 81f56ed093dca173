using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>The IIO driver against an emulated sysfs tree and a FIFO written the way the kernel writes scans.</summary>
public sealed class IioSensorTests
{
    private const long T0 = 1_764_460_800_000_000_000;
    private const string Channels = "accel_x,accel_y,temp,accel_z";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Configures_the_device_through_sysfs_and_decodes_each_scan_exactly()
    {
        using var dir = new TempDirectory();
        var device = new EmulatedIioDevice(dir.Path);
        using var sensor = (IioSensor)Factory(device).Open(SensorSpec.Parse($"iio:lis3dh:{Channels}:hrtimer0"));

        Assert.Equal("0", device.Read("iio:device0/scan_elements/in_voltage0_en"));
        Assert.All(new[] { "in_accel_x", "in_accel_y", "in_temp", "in_accel_z", "in_timestamp" },
            e => Assert.Equal("1", device.Read($"iio:device0/scan_elements/{e}_en")));
        Assert.Equal("hrtimer0", device.Read("iio:device0/trigger/current_trigger"));
        Assert.Equal("1000", device.Read("trigger0/sampling_frequency")); // the device has none: the hrtimer trigger's
        Assert.Equal("realtime", device.Read("iio:device0/current_timestamp_clock"));
        Assert.Equal("2000", device.Read("iio:device0/buffer/length"));
        Assert.Equal("10", device.Read("iio:device0/buffer/watermark"));
        Assert.Equal("1", device.Read("iio:device0/buffer/enable"));
        Assert.Equal("iio-lis3dh", sensor.SensorId);
        Assert.Equal(EmulatedIioDevice.ScanBytes, sensor.ScanBytes);
        Assert.Equal([0, 2, 4, 8], sensor.Channels.Select(c => c.ScanOffset));
        Assert.Equal(["accel_x", "accel_y", "temp", "accel_z"], sensor.Shape.DoubleColumns);

        (long T, short X, ushort Y, int Temp, short Z)[] scans =
            [(T0, -2048, 65535, -40, short.MinValue), (T0 + 1_000_000, 2047, 0, 0, short.MaxValue), (T0 + 2_000_000, -1, 258, 123_456, 1)];
        var writer = Task.Run(() =>
        {
            using var fifo = device.OpenWriter();
            foreach (var s in scans) fifo.Write(EmulatedIioDevice.Scan(s.T, s.X, s.Y, s.Temp, s.Z));
        });
        var timestamps = new long[8];
        var columns = Enumerable.Range(0, 4).Select(_ => new double[8]).ToArray();
        var got = new List<(long, double, double, double, double)>();
        await Poll.UntilAsync(() =>
        {
            var n = sensor.ReadSamples(timestamps, columns, TimeSpan.FromMilliseconds(50));
            for (var i = 0; i < n; i++) got.Add((timestamps[i], columns[0][i], columns[1][i], columns[2][i], columns[3][i]));
            return Task.FromResult(got.Count >= scans.Length);
        }, Timeout, "three scans decoded");
        await writer;

        // (raw + offset) × scale: accel x has offset −2, the accel scale 0.5 is shared by x, y and z; temp (raw + 100) × 0.25.
        Assert.Equal(scans.Select(s => (s.T, (s.X - 2) * 0.5, s.Y * 0.5, (s.Temp + 100) * 0.25, s.Z * 0.5)), got);
    }

    [Fact]
    public async Task At_1_kHz_every_scan_written_is_sampled_once_with_its_kernel_timestamp_and_none_is_missed()
    {
        const int scans = 5000; // 5 s of the device's time, written as fast as the FIFO takes it, in chunks that split scans
        using var dir = new TempDirectory();
        var device = new EmulatedIioDevice(dir.Path);
        using var sensor = (IioSensor)Factory(device).Open(SensorSpec.Parse($"iio:device0:{Channels}"));
        var batches = new ConcurrentQueue<SampleBatch>();
        using var sampler = new BufferedSampler(sensor, new SamplerOptions { BatchSize = 500, FlushInterval = TimeSpan.FromMinutes(1) },
            nextSequence: 42, batches.Enqueue, NullLogger.Instance);
        sampler.Start();
        var written = 0;
        var writer = Task.Run(() =>
        {
            using var fifo = device.OpenWriter();
            var bytes = Enumerable.Range(0, scans).SelectMany(k => EmulatedIioDevice.Scan(T0 + k * 1_000_000L, (short)(k % 2048), (ushort)k, k, (short)-k)).ToArray();
            for (var at = 0; at < bytes.Length; at += 1000) fifo.Write(bytes, at, Math.Min(1000, bytes.Length - at));
            written = scans;
        });
        await Poll.UntilAsync(() => Task.FromResult(batches.Sum(b => b.Count) >= scans), Timeout, $"{scans} samples");
        await writer;
        await sampler.StopAsync();

        Assert.Equal(written, sampler.Stats.Samples);
        Assert.Equal(0, sampler.Stats.Missed);
        Assert.Equal(0, sampler.Stats.Late);
        var all = batches.ToList();
        Assert.All(all, b => Assert.Equal(500, b.Count));
        Assert.Equal(Enumerable.Range(0, all.Count).Select(i => 42L + 500 * i), all.Select(b => b.FirstSequence));
        Assert.Equal(Enumerable.Range(0, scans).Select(k => T0 + k * 1_000_000L), all.SelectMany(b => b.TimestampNanos));
        Assert.Equal(Enumerable.Range(0, scans).Select(k => (k % 2048 - 2) * 0.5), all.SelectMany(b => b.DoubleColumn("accel_x")!));
        Assert.Equal(Enumerable.Range(0, scans).Select(k => -k * 0.5), all.SelectMany(b => b.DoubleColumn("accel_z")!));
        Assert.Equal("iio/device0", all[0].Schema);
    }

    [Fact]
    public async Task A_gap_in_the_kernel_timestamps_counts_the_absent_samples_as_missed()
    {
        using var dir = new TempDirectory();
        var device = new EmulatedIioDevice(dir.Path);
        using var sensor = (IioSensor)Factory(device).Open(SensorSpec.Parse($"iio:0:{Channels}"));
        var batches = new ConcurrentQueue<SampleBatch>();
        using var sampler = new BufferedSampler(sensor, new SamplerOptions { BatchSize = 1000, FlushInterval = TimeSpan.FromMinutes(1) },
            nextSequence: 0, batches.Enqueue, NullLogger.Instance);
        sampler.Start();
        long[] ticks = [0, 1, 2, 6, 7, 8]; // the device lost 3, 4 and 5 (e.g. its buffer overran)
        await Task.Run(() =>
        {
            using var fifo = device.OpenWriter();
            foreach (var k in ticks) fifo.Write(EmulatedIioDevice.Scan(T0 + k * 1_000_000, 0, 0, 0, 0));
        });
        await Poll.UntilAsync(() => Task.FromResult(sampler.Stats.Samples >= ticks.Length), Timeout, "six samples");
        await sampler.StopAsync();
        Assert.Equal(3, sampler.Stats.Missed);
        Assert.Equal(ticks.Select(k => T0 + k * 1_000_000), batches.SelectMany(b => b.TimestampNanos));
    }

    [Theory]
    [InlineData("iio:7", "no device")]
    [InlineData("iio:gyro", "no device named 'gyro'")]
    [InlineData("iio:0:accel_w", "has no scan element 'accel_w' (has: in_accel_x, in_accel_y, in_accel_z, in_temp, in_voltage0)")]
    public void A_missing_device_or_channel_is_named(string spec, string expected)
    {
        using var dir = new TempDirectory();
        var device = new EmulatedIioDevice(dir.Path);
        var e = Assert.Throws<IOException>(() => Factory(device).Open(SensorSpec.Parse(spec)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Scan_types_parse_and_decode_as_the_abi_describes()
    {
        var x = IioScanType.Parse("le:s12/16>>4");
        Assert.Equal(new IioScanType(false, true, 12, 16, 1, 4), x);
        Assert.Equal(-2048, x.Decode([0x0F, 0x80]));   // 0x800F: 0x800 after >>4, negative in 12 bits
        Assert.Equal(2047, x.Decode([0xF0, 0x7F]));
        Assert.Equal(0x0102, IioScanType.Parse("be:u16/16>>0").Decode([0x01, 0x02]));
        var repeated = IioScanType.Parse("le:s16/16X3>>0");
        Assert.Equal((3, 6), (repeated.Repeat, repeated.ElementBytes));
        Assert.Equal(-1, IioScanType.Parse("le:s64/64>>0").Decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Throws<FormatException>(() => IioScanType.Parse("le:s12/8>>4"));
        Assert.Throws<FormatException>(() => IioScanType.Parse("xx:s12/16"));
    }

    [Fact]
    public void Scan_layout_aligns_each_element_to_its_size_as_the_kernel_documentation_shows()
    {
        static IioChannel C(int index, string type) => new($"c{index}", index, IioScanType.Parse(type), 1, 0);
        // Documentation/iio/iio_devbuf.rst: u16, u32, u32, u64 at 0, 4, 8, 16 (24 bytes); only the first and last: 0, 8 (16 bytes).
        var (all, allBytes) = IioScanLayout.Compute([C(0, "be:u16/16>>0"), C(1, "be:u32/32>>0"), C(2, "be:u32/32>>0"), C(3, "be:u64/64>>0")]);
        Assert.Equal([0, 4, 8, 16], all.Select(c => c.ScanOffset));
        Assert.Equal(24, allBytes);
        var (two, twoBytes) = IioScanLayout.Compute([C(3, "be:u64/64>>0"), C(0, "be:u16/16>>0")]);
        Assert.Equal([0, 8], two.Select(c => c.ScanOffset));
        Assert.Equal(16, twoBytes);
        // The scan is padded to its largest element: u8 then u16 is 4 bytes, not 3.
        var (_, padded) = IioScanLayout.Compute([C(0, "le:u8/8>>0"), C(1, "le:u16/16>>0")]);
        Assert.Equal(4, padded);
    }

    private static SensorFactory Factory(EmulatedIioDevice device) => new() { SysfsRoot = device.SysfsRoot, DevRoot = device.DevRoot, RateHz = 1000 };
}
