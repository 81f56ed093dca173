using System.Device.I2c;
using System.Globalization;
using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// <c>kind:&lt;bus&gt;[:&lt;addr&gt;][:&lt;mode&gt;]</c> for I2C chips: the bus a non-negative integer, the address hex (<c>0x68</c> or
/// <c>68</c>, 7-bit 0x03–0x77) and, when left out, the default of <b>that</b> kind's descriptor — never another chip's;
/// the mode one of the descriptor's <see cref="SensorKind.ReadModes"/>, for a chip that has them.
/// </summary>
public static class I2cAddressing
{
    /// <summary>
    /// A driver for an I2C chip, after checking that the descriptor's default address is the binding's own
    /// (<paramref name="bindingDefaultAddress"/>, e.g. <c>Mpu6050.DefaultI2cAddress</c>): a mismatch or a descriptor without
    /// a default fails when the registry is first used, so a new chip cannot silently get another chip's address.
    /// </summary>
    public static SensorDriver Driver(SensorKind kind, int bindingDefaultAddress, Func<I2cDevice, string, ISensor> open) =>
        Driver(kind, bindingDefaultAddress, (device, id, _, _) => open(device, id));

    /// <summary>
    /// As <see cref="Driver(SensorKind, int, Func{I2cDevice, string, ISensor})"/> for a chip with <see cref="SensorKind.ReadModes"/>:
    /// <paramref name="open"/> also gets the spec's read mode (the descriptor's first when the spec names none) and the factory.
    /// </summary>
    public static SensorDriver Driver(SensorKind kind, int bindingDefaultAddress, Func<I2cDevice, string, string?, SensorFactory, ISensorSource> open)
    {
        if (kind.DefaultI2cAddress != bindingDefaultAddress)
            throw new InvalidOperationException($"sensor kind '{kind.Name}': descriptor default address {kind.DefaultAddressText} is not the binding's 0x{bindingDefaultAddress:x2}");
        return new SensorDriver(kind, SensorIdOf, (spec, factory) =>
        {
            var settings = Settings(spec);
            return open(factory.OpenI2c(settings), SensorIdOf(spec), kind.ReadMode(spec.Arguments) ?? kind.ReadModes?[0], factory);
        });
    }

    /// <summary><c>kind-bus-addr</c> (address two hex digits), e.g. <c>mpu6050-1-68</c>.</summary>
    public static string SensorIdOf(SensorSpec spec)
    {
        var settings = Settings(spec);
        return $"{spec.Kind}-{settings.BusId}-{settings.DeviceAddress:x2}";
    }

    /// <summary>The bus and address of a spec; <see cref="FormatException"/> names the spec and what is wrong.</summary>
    public static I2cConnectionSettings Settings(SensorSpec spec)
    {
        var kind = spec.Descriptor;
        var address = kind.DefaultI2cAddress ?? throw new InvalidOperationException($"sensor kind '{kind.Name}' has no default I2C address");
        var count = spec.Arguments.Count - (kind.ReadMode(spec.Arguments) is null ? 0 : 1);
        if (count is < 1 or > 2 || !int.TryParse(spec.Arguments[0], CultureInfo.InvariantCulture, out var bus) || bus < 0)
            throw SensorDriver.BadArguments(spec, "bus a non-negative integer");
        if (count == 2)
        {
            var text = spec.Arguments[1].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? spec.Arguments[1][2..] : spec.Arguments[1];
            if (!int.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out address) || address is < 0x03 or > 0x77)
                throw new FormatException($"'{spec}': address '{spec.Arguments[1]}' is not a 7-bit I2C address (hex, 0x03-0x77)" +
                                          (kind.ReadModes is { } modes ? $" nor a read mode ({string.Join(", ", modes)})" : ""));
        }
        return new I2cConnectionSettings(bus, address);
    }
}
