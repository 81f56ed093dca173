using System.Device.I2c;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Opens sensors through their registered <see cref="SensorDriver"/>s. The I2C bus and the sysfs and /dev roots are seams
/// so that tests drive the real bindings against an emulated register map, and the NIC and IIO drivers against a fake
/// sysfs tree and a FIFO standing in for a character device.
/// </summary>
public sealed record SensorFactory
{
    /// <summary>Opens an I2C device (default: the Linux bus, /dev/i2c-N).</summary>
    public Func<I2cConnectionSettings, I2cDevice> OpenI2c { get; init; } = I2cDevice.Create;

    /// <summary>Where sysfs is mounted (<c>/sys</c>): NIC counters under class/net, IIO devices under bus/iio/devices.</summary>
    public string SysfsRoot { get; init; } = "/sys";

    /// <summary>Where device nodes are (<c>/dev</c>): IIO character devices <c>iio:deviceN</c>.</summary>
    public string DevRoot { get; init; } = "/dev";

    /// <summary>Samples per second a hardware-timed sensor is configured for (the collector sets <c>--rate</c>).</summary>
    public double RateHz { get; init; } = 1000;

    /// <summary>Loggers for drivers that report device events (e.g. a FIFO overflow); none by default.</summary>
    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;

    /// <summary>True for kinds the polling sampler reads (<see cref="Streams.Configuration.SensorTiming.Polled"/>).</summary>
    public static bool IsSampled(SensorSpec spec) => spec.Descriptor.Timing == Streams.Configuration.SensorTiming.Polled;

    /// <summary>Opens whatever the spec's driver reads: a polled, buffered or import source.</summary>
    public ISensorSource Open(SensorSpec spec) => SensorDrivers.For(spec).Open(spec, this);

    /// <summary>Opens a polled sensor; <see cref="NotSupportedException"/> for a kind that is not polled.</summary>
    public ISensor Create(SensorSpec spec)
    {
        var source = Open(spec);
        if (source is ISensor sensor) return sensor;
        source.Dispose();
        throw new NotSupportedException($"'{spec}' is not a polled sensor");
    }

    /// <summary>The sensor id a spec will produce, without opening any device (for validation and duplicates).</summary>
    public static string SensorIdOf(SensorSpec spec) => SensorDrivers.For(spec).SensorIdOf(spec);
}
