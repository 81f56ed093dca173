using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary><see cref="SensorKinds.Adxl345"/>: recognised, refused with its <see cref="SensorKind.Refusal"/> (the binding is SPI-only).</summary>
public static class Adxl345Driver
{
    /// <summary>The registered driver: any spec is refused when opened.</summary>
    public static readonly SensorDriver Driver = new(SensorKinds.Adxl345,
        spec => $"adxl345-{string.Join("-", spec.Arguments)}",
        (spec, _) => throw new NotSupportedException($"'{spec}': {SensorKinds.Adxl345.Refusal}"));
}
