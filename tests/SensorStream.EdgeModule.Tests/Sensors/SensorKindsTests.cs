using SensorStream.EdgeModule.Hosting;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Configuration;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>Sensor kinds are described once (streams/Configuration/SensorKinds) and everything else is derived from them.</summary>
public sealed class SensorKindsTests
{
    private const string Begin = "<!-- sensor-kinds:begin (generated from SensorKinds.MarkdownTable; SensorKindsTests keeps it equal) -->";
    private const string End = "<!-- sensor-kinds:end -->";

    [Fact]
    public void The_readme_sensor_table_is_the_descriptors_table()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "edge-module", "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"edge-module/README.md needs the markers {Begin} … {End}");
        var table = readme[(start + Begin.Length)..end].Trim('\n') + "\n";
        var expected = SensorKinds.MarkdownTable().ReplaceLineEndings("\n");
        Assert.True(expected == table, $"edge-module/README.md's sensor table differs from the descriptors; replace it with:\n{expected}");
    }

    [Fact]
    public void Every_kind_has_exactly_one_driver_and_every_driver_a_kind()
    {
        Assert.Equal(SensorKinds.All.Select(k => k.Name), SensorDrivers.All.Select(d => d.Kind.Name));
        Assert.Equal(SensorKinds.All.Select(k => k.Name), CollectorLimits.SensorKinds);
        Assert.All(SensorKinds.All, k => Assert.Same(k, SensorKinds.Find(k.Name.ToUpperInvariant())));
    }

    [Fact]
    public void Every_i2c_kind_has_its_own_default_address_and_a_mismatch_fails_at_registration()
    {
        Assert.Equal(Iot.Device.Imu.Mpu6050.DefaultI2cAddress, SensorKinds.Mpu6050.DefaultI2cAddress);
        Assert.Equal(Iot.Device.Lis3DhAccelerometer.Lis3Dh.DefaultI2cAddress, SensorKinds.Lis3Dh.DefaultI2cAddress);
        // A new chip registered with another chip's binding default (the old fallback) is refused, not silently accepted.
        var e = Assert.Throws<InvalidOperationException>(() =>
            I2cAddressing.Driver(SensorKinds.Lis3Dh, Iot.Device.Imu.Mpu6050.DefaultI2cAddress, (_, _) => throw new NotSupportedException()));
        Assert.Contains("lis3dh", e.Message);
        // A spec without an address gets its own kind's default.
        foreach (var kind in SensorKinds.All.Where(k => k.IsI2c))
            Assert.Equal(kind.DefaultI2cAddress, I2cAddressing.Settings(SensorSpec.Parse($"{kind.Name}:1")).DeviceAddress);
    }

    [Fact]
    public void The_collectors_help_lists_every_kind_with_its_syntax_and_usage()
    {
        var help = HelpText.Build();
        Assert.All(SensorKinds.All, k =>
        {
            Assert.Contains(k.Syntax, help);
            Assert.Contains(k.Usage, help);
        });
        Assert.Contains("default address 0x68", help);
    }

    [Theory]
    [InlineData("nic:eth0:48", "expected nic:<if>[:32|:64]")]
    [InlineData("synthetic:a:b", "expected synthetic:<id>")]
    [InlineData("iio:0:a:b:c", "expected iio:<device>[:<channel>,…][:<trigger>]")]
    [InlineData("iio:0:accel_x,accel_x", "each once")]
    [InlineData("lis3dh:x", "expected lis3dh:<bus>[:<addr>]")]
    public void A_bad_spec_names_its_kinds_syntax(string spec, string expected)
    {
        var e = Assert.ThrowsAny<FormatException>(() => SensorFactory.SensorIdOf(SensorSpec.Parse(spec)));
        Assert.Contains(expected, e.Message);
    }
}
