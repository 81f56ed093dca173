using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary><see cref="SensorKinds.Nic"/> → <see cref="NicSensor"/>: <c>nic:&lt;if&gt;[:32|:64]</c>.</summary>
public static class NicDriver
{
    /// <summary>The registered driver.</summary>
    public static readonly SensorDriver Driver = new(SensorKinds.Nic,
        spec => $"nic-{Interface(spec)}",
        (spec, factory) => new NicSensor(Interface(spec), factory.SysfsRoot, CounterWidth(spec)));

    private static string Interface(SensorSpec spec)
    {
        CounterWidth(spec);
        return spec.Arguments[0];
    }

    /// <summary>The counter width when given (otherwise detected).</summary>
    private static int? CounterWidth(SensorSpec spec) => spec.Arguments switch
    {
        [{ Length: > 0 }] => null,
        [{ Length: > 0 }, "32"] => 32,
        [{ Length: > 0 }, "64"] => 64,
        _ => throw SensorDriver.BadArguments(spec, "counter width in bits; detected when left out"),
    };
}
