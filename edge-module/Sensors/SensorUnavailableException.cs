namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Thrown by <see cref="ISensor.Read"/> while the device is absent (a state the sensor recovers from by itself, e.g. a
/// network interface that is down or not yet created): the sampler counts a read error for that sensor only.
/// </summary>
public sealed class SensorUnavailableException(string message) : IOException(message);
