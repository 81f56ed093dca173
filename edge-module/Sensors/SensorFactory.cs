using System.Device.I2c;
using System.Globalization;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Turns sampled-sensor specs into drivers. The I2C bus and the sysfs root are seams so that tests drive the
/// real bindings against an emulated register map or a fake sysfs directory.
/// </summary>
public sealed class SensorFactory
{
    public Func<I2cConnectionSettings, I2cDevice> OpenI2c { get; init; } = I2cDevice.Create;

    public string SysfsRoot { get; init; } = "/sys";

    /// <summary>True for kinds the sampler drives (everything except the CSV importer).</summary>
    public static bool IsSampled(SensorSpec spec) => spec.Kind != "csv";

    public ISensor Create(SensorSpec spec) => spec.Kind switch
    {
        "synthetic" => new SyntheticSensor(SyntheticId(spec)),
        "nic" => new NicSensor(spec.Arguments[0], SysfsRoot, NicCounterWidth(spec)),
        "mpu6050" => new Mpu6050Sensor(OpenI2c(I2c(spec)), I2cSensorId(spec)),
        "lis3dh" => new Lis3DhSensor(OpenI2c(I2c(spec)), I2cSensorId(spec)),
        "adxl345" => throw new NotSupportedException(
            $"'{spec}': the ADXL345 binding in Iot.Device.Bindings 4.2.0 is SPI-only, so it cannot be read over I2C; " +
            "use mpu6050:<bus>:<address> or lis3dh:<bus>:<address> for an I2C accelerometer"),
        _ => throw new NotSupportedException($"'{spec}' is not a sampled sensor"),
    };

    /// <summary>The sensor id a spec will produce, without opening any device (for validation and duplicates).</summary>
    public static string SensorIdOf(SensorSpec spec) => spec.Kind switch
    {
        "synthetic" => SyntheticId(spec),
        "nic" => $"nic-{spec.Arguments[0]}",
        "csv" => Import.CsvDirectoryImporter.SensorIdFor(spec.Arguments[0]),
        "adxl345" => $"adxl345-{string.Join("-", spec.Arguments)}",
        _ => I2cSensorId(spec),
    };

    /// <summary><c>nic:&lt;interface&gt;[:32|:64]</c>: the counter width when known (otherwise detected).</summary>
    private static int? NicCounterWidth(SensorSpec spec) => spec.Arguments switch
    {
        [{ Length: > 0 }] => null,
        [{ Length: > 0 }, "32"] => 32,
        [{ Length: > 0 }, "64"] => 64,
        _ => throw new FormatException($"'{spec}': expected nic:<interface>[:32|:64] (counter width in bits; detected when left out)"),
    };

    private static string SyntheticId(SensorSpec spec) => Single(spec, "synthetic:<id>");

    private static string I2cSensorId(SensorSpec spec)
    {
        var settings = I2c(spec);
        return $"{spec.Kind}-{settings.BusId}-{settings.DeviceAddress:x2}";
    }

    private static string Single(SensorSpec spec, string form)
    {
        if (spec.Arguments.Count != 1 || spec.Arguments[0].Length == 0)
            throw new FormatException($"'{spec}': expected {form}");
        return spec.Arguments[0];
    }

    /// <summary><c>kind:bus[:address]</c>; the address is hex (<c>0x68</c> or <c>68</c>) and defaults to the chip's default.</summary>
    private static I2cConnectionSettings I2c(SensorSpec spec)
    {
        int defaultAddress = spec.Kind == "lis3dh" ? Iot.Device.Lis3DhAccelerometer.Lis3Dh.DefaultI2cAddress : Iot.Device.Imu.Mpu6050.DefaultI2cAddress;
        var form = $"{spec.Kind}:<bus>[:<address>]";
        if (spec.Arguments.Count is < 1 or > 2 || !int.TryParse(spec.Arguments[0], CultureInfo.InvariantCulture, out var bus) || bus < 0)
            throw new FormatException($"'{spec}': expected {form}, bus a non-negative integer");
        var address = defaultAddress;
        if (spec.Arguments.Count == 2)
        {
            var text = spec.Arguments[1].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? spec.Arguments[1][2..] : spec.Arguments[1];
            if (!int.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out address) || address is < 0x03 or > 0x77)
                throw new FormatException($"'{spec}': address '{spec.Arguments[1]}' is not a 7-bit I2C address (hex, 0x03-0x77)");
        }
        return new I2cConnectionSettings(bus, address);
    }
}
