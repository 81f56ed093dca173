using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// The export table (<see cref="SampleBatch.Schema"/>) each built-in sampled sensor names in its events, so the
/// cloud exporter writes one table per sensor kind (per IIO device: its channels are chosen in the spec). Null for a sensor kind not listed here: the exporter then
/// derives the table by <see cref="EventSchemas.TableOf"/>.
/// </summary>
internal static class SensorSchemas
{
    public static string? Of(ISensorSource sensor) => sensor switch
    {
        IioSensor => EventSchemas.Iio(sensor.SensorId["iio-".Length..]),
        NicSensor => EventSchemas.Nic,
        SyntheticSensor => EventSchemas.Synthetic,
        Mpu6050Sensor or Lis3DhSensor => EventSchemas.Accel,
        _ => null,
    };
}
