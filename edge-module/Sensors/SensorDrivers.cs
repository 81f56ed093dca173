using SensorStream.EdgeModule.Import;
using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// The registry: one <see cref="SensorDriver"/> per <see cref="SensorKinds.All"/> entry. Checked when first used: a kind
/// without a driver, or a driver for an unknown kind, stops the collector at start with one line naming it.
/// </summary>
public static class SensorDrivers
{
    /// <summary>Every driver, in <see cref="SensorKinds.All"/> order.</summary>
    public static readonly IReadOnlyList<SensorDriver> All = Check(
    [
        SyntheticDriver.Driver,
        NicDriver.Driver,
        Mpu6050Driver.Driver,
        Lis3DhDriver.Driver,
        Adxl345Driver.Driver,
        IioDriver.Driver,
        CsvDriver.Driver,
    ]);

    /// <summary>The driver of a spec's kind.</summary>
    public static SensorDriver For(SensorSpec spec) =>
        All.FirstOrDefault(d => d.Kind.Name == spec.Kind) ?? throw new NotSupportedException($"'{spec}': no driver for sensor kind '{spec.Kind}'");

    private static IReadOnlyList<SensorDriver> Check(SensorDriver[] drivers)
    {
        var names = drivers.Select(d => d.Kind.Name).ToList();
        var missing = SensorKinds.All.Select(k => k.Name).Except(names).ToList();
        var unknown = names.Except(SensorKinds.All.Select(k => k.Name)).ToList();
        var twice = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (missing.Count + unknown.Count + twice.Count > 0)
            throw new InvalidOperationException($"sensor drivers do not match SensorKinds.All: without a driver [{string.Join(", ", missing)}], " +
                                                $"unknown [{string.Join(", ", unknown)}], registered twice [{string.Join(", ", twice)}]");
        return drivers;
    }
}
