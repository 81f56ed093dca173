using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary><see cref="SensorKinds.Synthetic"/> → <see cref="SyntheticSensor"/> (the id is the argument).</summary>
public static class SyntheticDriver
{
    /// <summary>The registered driver.</summary>
    public static readonly SensorDriver Driver = new(SensorKinds.Synthetic, SensorDriver.Single, (spec, _) => new SyntheticSensor(SensorDriver.Single(spec)));
}
