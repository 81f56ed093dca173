using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Tests.Support;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>The NIC driver against a fake sysfs tree (the counters are plain files there too).</summary>
public sealed class NicSensorTests
{
    private static readonly string[] Counters = ["rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_errors", "tx_errors"];

    private static string FakeSysfs(TempDirectory dir, string iface, long start)
    {
        var stats = Path.Combine(dir.Path, "class", "net", iface, "statistics");
        Directory.CreateDirectory(stats);
        for (var i = 0; i < Counters.Length; i++) File.WriteAllText(Path.Combine(stats, Counters[i]), $"{start + i}\n");
        return stats;
    }

    [Fact]
    public void Reads_every_counter_and_sees_changes_through_the_open_files()
    {
        using var dir = new TempDirectory();
        var stats = FakeSysfs(dir, "eth7", 100);
        using var sensor = new SensorFactory { SysfsRoot = dir.Path }.Create(SensorSpec.Parse("nic:eth7"));
        var values = new long[6];

        sensor.Read(0, values, []);
        Assert.Equal([100L, 101, 102, 103, 104, 105], values);

        // sysfs regenerates the value on each read from offset 0; an in-place rewrite does the same here.
        File.WriteAllText(Path.Combine(stats, "rx_bytes"), "123456789012\n");
        sensor.Read(1, values, []);
        Assert.Equal(123456789012L, values[0]);

        Assert.Equal("nic-eth7", sensor.SensorId);
        Assert.Equal(["RxBytes", "TxBytes", "RxPackets", "TxPackets", "RxErrors", "TxErrors"], sensor.Shape.LongColumns);
        Assert.Contains(sensor.Shape.Scalars, s => s.Key == "Interface" && s.Value == "eth7");
        Assert.Contains(sensor.Shape.Scalars, s => s.Key == "RemoteAddr");
    }

    [Fact]
    public void Missing_interface_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<ArgumentException>(() => new SensorFactory { SysfsRoot = dir.Path }.Create(SensorSpec.Parse("nic:wlan9")));
        Assert.Contains("network interface 'wlan9' not found", e.Message);
    }

    [Fact]
    public void Garbage_in_a_counter_is_reported_not_misread()
    {
        using var dir = new TempDirectory();
        var stats = FakeSysfs(dir, "eth0", 0);
        File.WriteAllText(Path.Combine(stats, "tx_bytes"), "n/a\n");
        using var sensor = new SensorFactory { SysfsRoot = dir.Path }.Create(SensorSpec.Parse("nic:eth0"));
        var e = Assert.Throws<IOException>(() => sensor.Read(0, new long[6], []));
        Assert.Contains("tx_bytes", e.Message);
    }
}
