using System.Collections.Concurrent;
using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>The NIC driver against a fake sysfs tree (the counters are plain files there too).</summary>
public sealed class NicSensorTests
{
    private static readonly string[] Counters = ["rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_errors", "tx_errors"];

    private static int _ifindex;

    /// <summary>
    /// Creates the interface's directory at once, as the kernel does: written aside and renamed into place, so a sampler
    /// reading meanwhile never sees it half-made (an empty counter, no ifindex yet), however long the writes take.
    /// </summary>
    private static string FakeSysfs(TempDirectory dir, string iface, long start)
    {
        var net = Path.Combine(dir.Path, "class", "net");
        var aside = Path.Combine(net, $".{iface}.new");
        var staged = Path.Combine(aside, "statistics");
        Directory.CreateDirectory(staged);
        for (var i = 0; i < Counters.Length; i++) File.WriteAllText(Path.Combine(staged, Counters[i]), $"{start + i}\n");
        File.WriteAllText(Path.Combine(aside, "ifindex"), $"{Interlocked.Increment(ref _ifindex)}\n");
        Directory.Move(aside, Path.Combine(net, iface));
        return Path.Combine(net, iface, "statistics");
    }

    /// <summary>Removes the interface's directory at once (renamed aside, then deleted), as the kernel does.</summary>
    private static void RemoveSysfs(TempDirectory dir, string iface)
    {
        var gone = Path.Combine(dir.Path, "class", "net", $".{iface}.gone");
        Directory.Move(Path.Combine(dir.Path, "class", "net", iface), gone);
        Directory.Delete(gone, recursive: true);
    }

    [Fact]
    public void Reads_every_counter_and_sees_changes_through_the_open_files()
    {
        using var dir = new TempDirectory();
        var stats = FakeSysfs(dir, "eth7", 100);
        using var sensor = new SensorFactory { SysfsRoot = dir.Path }.Create(SensorSpec.Parse("nic:eth7"));
        var values = new long[7];

        sensor.Read(0, values, []);
        Assert.Equal([100L, 101, 102, 103, 104, 105, 0], values);

        // sysfs regenerates the value on each read from offset 0; an in-place rewrite does the same here.
        File.WriteAllText(Path.Combine(stats, "rx_bytes"), "123456789012\n");
        sensor.Read(1, values, []);
        Assert.Equal(123456789012L, values[0]);

        Assert.Equal("nic-eth7", sensor.SensorId);
        Assert.Equal(["RxBytes", "TxBytes", "RxPackets", "TxPackets", "RxErrors", "TxErrors", "CounterResets"], sensor.Shape.LongColumns);
        Assert.Contains(sensor.Shape.Scalars, s => s.Key == "Interface" && s.Value == "eth7");
        Assert.Contains(sensor.Shape.Scalars, s => s.Key == "RemoteAddr");
    }

    [Fact]
    public void A_missing_interface_is_a_state_and_is_read_once_it_appears_and_again_after_it_is_re_created()
    {
        using var dir = new TempDirectory();
        using var sensor = (NicSensor)new SensorFactory { SysfsRoot = dir.Path }.Create(SensorSpec.Parse("nic:wlan9"));
        var values = new long[7];
        Assert.Equal(NicState.Missing, sensor.State);
        var e = Assert.Throws<SensorUnavailableException>(() => sensor.Read(0, values, []));
        Assert.Contains("nic-wlan9: network interface missing", e.Message);

        FakeSysfs(dir, "wlan9", 1000);
        ReadWithin(sensor, values, TimeSpan.FromSeconds(1));
        Assert.Equal([1000L, 1001, 1002, 1003, 1004, 1005, 0], values);

        Directory.Delete(Path.Combine(dir.Path, "class", "net", "wlan9"), recursive: true);
        Until(() => Record.Exception(() => sensor.Read(1, values, [])) is SensorUnavailableException, TimeSpan.FromSeconds(10), "the removal is seen");
        Assert.Equal(NicState.Missing, sensor.State);

        FakeSysfs(dir, "wlan9", 5); // re-created: its counters start again near 0
        ReadWithin(sensor, values, TimeSpan.FromSeconds(1));
        Assert.Equal([1005L, 1007, 1009, 1011, 1013, 1015, 6], values); // monotonic: last value + new raw value; 6 resets marked
        Assert.Equal(1, sensor.Disappearances);
    }

    [Fact]
    public void An_interface_re_created_between_two_looks_is_seen_by_its_new_ifindex()
    {
        using var dir = new TempDirectory();
        FakeSysfs(dir, "eth3", 50);
        using var sensor = new NicSensor("eth3", dir.Path);
        var values = new long[7];
        sensor.Read(0, values, []);
        Directory.Delete(Path.Combine(dir.Path, "class", "net", "eth3"), recursive: true);
        FakeSysfs(dir, "eth3", 0);

        Until(() => { sensor.Read(1, values, []); return values[6] == 6; }, TimeSpan.FromSeconds(10), "the new counters are read");
        Assert.Equal([50L, 52, 54, 56, 58, 60, 6], values);
    }

    [Fact]
    public async Task A_missing_interface_is_logged_once_when_it_goes_and_once_when_it_returns_while_other_sensors_go_on()
    {
        using var dir = new TempDirectory();
        var log = new TestLogger();
        using var nic = new NicSensor("eth9", dir.Path); // missing at start
        var batches = new ConcurrentQueue<SampleBatch>();
        using var sampler = new Sampler(new SamplerOptions { RateHz = 1000, BatchSize = 50, FlushInterval = TimeSpan.FromMilliseconds(50) },
            [nic, new SyntheticSensor("other")], new Dictionary<string, long>(), batches.Enqueue, log);
        var stats = sampler.SensorStats[0];
        sampler.Start();

        await Poll.UntilAsync(() => stats.ReadErrors >= 300, TimeSpan.FromSeconds(30), "300 failed reads of the missing interface");
        FakeSysfs(dir, "eth9", 10);
        await Poll.UntilAsync(() => batches.Any(b => b.SensorId == "nic-eth9"), TimeSpan.FromSeconds(30), "the interface is read once it appears");
        RemoveSysfs(dir, "eth9");
        var before = stats.ReadErrors;
        await Poll.UntilAsync(() => stats.ReadErrors >= before + 300, TimeSpan.FromSeconds(30), "300 failed reads of the vanished interface");
        FakeSysfs(dir, "eth9", 0);
        var samples = stats.Samples;
        await Poll.UntilAsync(() => stats.Samples > samples, TimeSpan.FromSeconds(30), "the re-created interface is read");
        await sampler.StopAsync();

        var lines = log.Lines.Where(l => l.Contains("nic-eth9")).ToList();
        Assert.Equal(4, lines.Count);
        Assert.StartsWith("Warning: Sensor nic-eth9 unavailable: nic-eth9: network interface missing", lines[0]);
        Assert.Matches(@"^Information: Sensor nic-eth9 available again after \d{3,} failed reads$", lines[1]);
        Assert.StartsWith("Warning: Sensor nic-eth9 unavailable: nic-eth9: network interface", lines[2]);
        Assert.Matches(@"^Information: Sensor nic-eth9 available again after \d{3,} failed reads$", lines[3]);
        Assert.True(stats.ReadErrors >= 600, "every failed read is counted");
        Assert.True(sampler.SensorStats[1].Samples > stats.Samples, "the other sensor was read all along");
        Assert.Equal(0, sampler.SensorStats[1].ReadErrors);
    }

    private static void Until(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"timed out waiting until {what}");
            Thread.Sleep(5);
        }
    }

    /// <summary>Reads until it succeeds; the sensor looks for a missing interface every 100 ms, so within a second.</summary>
    private static void ReadWithin(NicSensor sensor, long[] values, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Record.Exception(() => sensor.Read(0, values, [])) is SensorUnavailableException)
        {
            Assert.True(clock.Elapsed < limit * 10, $"not read again within {limit * 10} (loaded machine allowance)");
            Thread.Sleep(5);
        }
        Assert.True(clock.Elapsed < limit * 10);
    }

    [Theory]
    [InlineData(null, new long[] { 4294967000, 4294967295, 100, 4294967000 }, new long[] { 4294967000, 4294967295, 4294967396, 8589934296 }, 0)]
    [InlineData(32, new long[] { 10, 5 }, new long[] { 10, 4294967301 }, 0)]
    [InlineData(null, new long[] { 1000, 10, 20 }, new long[] { 1000, 1010, 1020 }, 1)]
    [InlineData(null, new long[] { 5000000000, 4294967295, 7 }, new long[] { 5000000000, 9294967295, 9294967302 }, 2)]
    [InlineData(64, new long[] { 4294967000, 100 }, new long[] { 4294967000, 4294967100 }, 1)]
    public void Wraps_are_unwrapped_and_resets_marked_so_values_never_decrease(int? width, long[] raw, long[] expected, long resets)
    {
        var counter = new CounterUnwrapper(width);
        Assert.Equal(expected, raw.Select(counter.Next));
        Assert.Equal(resets, counter.Resets);
    }

    [Fact]
    public void Garbage_in_a_counter_is_reported_not_misread()
    {
        using var dir = new TempDirectory();
        var stats = FakeSysfs(dir, "eth0", 0);
        File.WriteAllText(Path.Combine(stats, "tx_bytes"), "n/a\n");
        using var sensor = new SensorFactory { SysfsRoot = dir.Path }.Create(SensorSpec.Parse("nic:eth0"));
        var e = Assert.Throws<InvalidDataException>(() => sensor.Read(0, new long[7], []));
        Assert.Contains("tx_bytes", e.Message);
    }
}
