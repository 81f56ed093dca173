using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Tests.Sensors;
using SensorStream.Streams.Exporting;

namespace SensorStream.EdgeModule.Tests.Sampling;

/// <summary>
/// The declared export schema of each built-in sensor kind (<see cref="BuiltInSchemas"/>, cloud side) is exactly what
/// its driver emits (<see cref="ISensor.Shape"/>, edge side): the same fields, order and types — integer columns as
/// INT64, floating-point columns as DOUBLE, scalars as STRING. Otherwise every table v1 of the kind starts with
/// "declared columns, added column …" (a fresh trial saw it for the NIC's CounterResets). This test project is where
/// both sides are visible; the collector itself does not reference the cloud library.
/// </summary>
public sealed class BuiltInSchemaTests
{
    /// <summary>One spec per built-in driver whose events name a declared table (accelerometers on emulated chips).</summary>
    private static ISensor Create(string spec)
    {
        var sysfs = Path.Combine(Path.GetTempPath(), "no-sysfs-" + Guid.NewGuid().ToString("N")); // never created: a missing NIC is a state, its shape is fixed
        var mpu6050 = new EmulatedI2cDevice(1, 0x68);
        mpu6050.Registers[0x75] = 0x68; // WHO_AM_I
        var lis3dh = new EmulatedI2cDevice(1, 0x18, registerMask: 0x7F);
        lis3dh.Registers[0x0F] = 0x33; // WHO_AM_I
        var factory = new SensorFactory { SysfsRoot = sysfs, OpenI2c = s => s.DeviceAddress == 0x68 ? mpu6050 : lis3dh };
        return factory.Create(SensorSpec.Parse(spec));
    }

    private static readonly string[] SpecList = ["nic:eth7", "synthetic:a", "mpu6050:1:0x68:polled", "lis3dh:1:0x18"];

    public static TheoryData<string> Specs => new(SpecList);

    [Theory]
    [MemberData(nameof(Specs))]
    public void A_built_in_kinds_declared_columns_are_what_its_driver_emits(string spec)
    {
        using var sensor = Create(spec);
        var table = SensorSchemas.Of(sensor);
        Assert.NotNull(table);
        var declared = BuiltInSchemas.Of(table);
        Assert.NotNull(declared);

        var emitted = sensor.Shape.LongColumns.Select(c => (c, ColumnKind.Long))
            .Concat(sensor.Shape.DoubleColumns.Select(c => (c, ColumnKind.Double)))
            .Concat(sensor.Shape.Scalars.Select(s => (s.Key, ColumnKind.String)));
        Assert.Equal(emitted, declared.Select(c => (c.Source, c.Kind)));
        Assert.All(declared, c => Assert.Equal(c.Source, c.Name));
        Assert.All(declared, c => Assert.False(string.IsNullOrWhiteSpace(c.Unit), $"{table}.{c.Name} has no unit"));
    }

    [Fact]
    public void Every_declared_table_has_a_driver_here()
    {
        var tables = SpecList.Select(s => { using var sensor = Create(s); return SensorSchemas.Of(sensor); });
        Assert.Equal(BuiltInSchemas.Tables.Order(), tables.Distinct().Order());
    }
}
