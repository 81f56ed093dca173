using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Binds a <see cref="SensorKind"/> (streams/Configuration: name, syntax, default address, usage) to the code that reads
/// it. One per driver folder; registered once in <see cref="SensorDrivers.All"/>.
/// </summary>
/// <param name="Kind">The descriptor this driver reads.</param>
/// <param name="SensorIdOf">The sensor id a spec produces, without opening anything; throws <see cref="FormatException"/>
/// naming <see cref="SensorKind.Syntax"/> when the arguments are wrong.</param>
/// <param name="Open">Opens the source for a spec with the factory's seams (I2C bus, sysfs and /dev roots).</param>
public sealed record SensorDriver(SensorKind Kind, Func<SensorSpec, string> SensorIdOf, Func<SensorSpec, SensorFactory, ISensorSource> Open)
{
    /// <summary>The one-line error for a spec whose arguments do not fit <see cref="SensorKind.Syntax"/>.</summary>
    public static FormatException BadArguments(SensorSpec spec, string? detail = null) =>
        new($"'{spec}': expected {SensorKinds.Find(spec.Kind)?.Syntax ?? spec.Kind}{(detail is null ? "" : $" ({detail})")}");

    /// <summary>The single argument of a one-argument kind, or <see cref="BadArguments"/>.</summary>
    public static string Single(SensorSpec spec)
    {
        if (spec.Arguments.Count != 1 || spec.Arguments[0].Length == 0) throw BadArguments(spec);
        return spec.Arguments[0];
    }
}
