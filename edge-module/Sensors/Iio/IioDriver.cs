using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// <see cref="SensorKinds.Iio"/> → <see cref="IioSensor"/>: <c>iio:&lt;device&gt;[:&lt;channel&gt;,…][:&lt;trigger&gt;]</c>
/// (an empty channel list keeps all), sampled at the collector's <c>--rate</c>.
/// </summary>
public static class IioDriver
{
    /// <summary>The registered driver.</summary>
    public static readonly SensorDriver Driver = new(SensorKinds.Iio,
        spec => $"iio-{Parse(spec).Device}",
        (spec, factory) =>
        {
            var (device, channels, trigger) = Parse(spec);
            return new IioSensor(device, channels, trigger, factory.RateHz, factory.SysfsRoot, factory.DevRoot);
        });

    /// <summary>The device, the channels (empty: all) and the trigger (null: keep) of a spec.</summary>
    public static (string Device, IReadOnlyList<string> Channels, string? Trigger) Parse(SensorSpec spec)
    {
        var a = spec.Arguments;
        if (a.Count is < 1 or > 3 || a[0].Length == 0 || a[0].Contains('/') || (a.Count == 3 && a[2].Length == 0))
            throw SensorDriver.BadArguments(spec);
        var channels = a.Count > 1 ? a[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        if (channels.Any(c => c.Contains('/')) || channels.Distinct().Count() != channels.Length)
            throw SensorDriver.BadArguments(spec, "channels are scan element names, each once");
        return (a[0], channels, a.Count == 3 ? a[2] : null);
    }
}
