namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// What a <see cref="SensorDriver"/> opens for a spec: a polled <see cref="ISensor"/> (read by the sampling loop at each
/// deadline), a hardware-timed <see cref="IBufferedSensor"/> (drained on its own thread), or a
/// <see cref="Import.CsvImportSource"/> (files imported by the CSV importer).
/// </summary>
public interface ISensorSource : IDisposable
{
    /// <summary>Routing key and <c>SensorId</c> of every event this source produces.</summary>
    string SensorId { get; }
}
