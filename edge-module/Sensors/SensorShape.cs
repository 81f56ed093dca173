namespace SensorStream.EdgeModule.Sensors;

/// <summary>What one sample of a sensor holds: integer columns, floating-point columns, and per-event scalars.</summary>
public sealed record SensorShape(
    IReadOnlyList<string> LongColumns,
    IReadOnlyList<string> DoubleColumns,
    IReadOnlyList<KeyValuePair<string, string>> Scalars)
{
    /// <summary>Accelerometers: X, Y, Z in m/s².</summary>
    public static SensorShape Acceleration(params KeyValuePair<string, string>[] scalars) => new([], ["X", "Y", "Z"], scalars);
}
