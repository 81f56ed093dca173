namespace SensorStream.Streams.Configuration;

/// <summary>Who decides when a sensor kind's samples are taken.</summary>
public enum SensorTiming
{
    /// <summary>The collector's sampling loop reads the sensor at every <c>--rate</c> deadline (user-space timing).</summary>
    Polled,

    /// <summary>The device or the kernel takes the samples at <c>--rate</c> and timestamps them; the collector drains its buffer.</summary>
    HardwareTimed,

    /// <summary>Rows arrive in files that are imported as they appear; their timestamps come from the rows.</summary>
    Imported,

    /// <summary>Recognised but refused with <see cref="SensorKind.Refusal"/> (no driver can read it here).</summary>
    Unavailable,
}
