using System.Collections.Concurrent;
using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>
/// The MPU6050's hardware FIFO through the real Iot.Device.Bindings driver and the real <see cref="BufferedSampler"/>,
/// against <see cref="EmulatedMpu6050"/> on a virtual clock: the reader comes only every 160 samples (160 ms at 1 kHz),
/// and loses nothing while the 1024-byte FIFO holds; an overflow is counted exactly and logged.
/// </summary>
public sealed class Mpu6050FifoTests
{
    private const long T0 = 1_764_460_800_000_000_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static (short X, short Y, short Z) Value(long k) => ((short)(k % 30_000), (short)-(k % 20_000), 16384);

    [Fact]
    public async Task A_slow_reader_at_1_kHz_loses_nothing_while_the_FIFO_holds_then_an_overflow_is_counted_exactly()
    {
        var chip = new EmulatedMpu6050(T0);
        var log = new TestLogger();
        using var sensor = new Mpu6050FifoSensor(chip, "mpu6050-1-68", 1000, () => chip.NowNanos, log);
        Assert.Equal(1_000_000, sensor.PeriodNanos);
        Assert.Equal(1_000_000, chip.PeriodNanos); // CONFIG.DLPF_CFG = 1, SMPLRT_DIV = 0: the chip really samples at 1 kHz
        var batches = new ConcurrentQueue<SampleBatch>();
        using var sampler = new BufferedSampler(sensor, new SamplerOptions { BatchSize = 1000, FlushInterval = TimeSpan.FromMinutes(1) },
            nextSequence: 0, batches.Enqueue, log);
        sampler.Start();

        // 5,000 samples in bursts of 160 (960 bytes: the FIFO holds 170 samples): the reader is 160 ms late every time.
        for (var taken = 0; taken < 5000; taken += 160)
        {
            chip.Sample(Math.Min(160, 5000 - taken), Value);
            await Poll.UntilAsync(() => Task.FromResult(sampler.Stats.Samples == chip.Taken), Timeout, $"{chip.Taken} samples read");
        }
        Assert.Equal(0, sampler.Stats.Missed);
        Assert.Equal(0, sensor.Overflows);

        // 200 samples (1200 bytes) before the reader comes: the FIFO overflows, is reset, and the next samples tell how many were lost.
        chip.Sample(200, Value);
        await Poll.UntilAsync(() => Task.FromResult(sensor.Overflows == 1 && chip.FifoLength == 0), Timeout, "the overflow seen and the FIFO reset");
        chip.Sample(50, Value);
        await Poll.UntilAsync(() => Task.FromResult(sampler.Stats.Samples == 5050), Timeout, "50 samples after the overflow");
        await sampler.StopAsync();

        Assert.Equal(200, sampler.Stats.Missed);
        Assert.Equal(1, sensor.Overflows);
        Assert.Contains(log.Lines, l => l.Contains("FIFO overflowed (1 times so far)"));
        var delivered = Enumerable.Range(0, 5000).Select(k => (long)k).Concat(Enumerable.Range(5200, 50).Select(k => (long)k)).ToList();
        var all = batches.ToList();
        Assert.Equal(delivered.Select(k => T0 + (k + 1) * 1_000_000), all.SelectMany(b => b.TimestampNanos));
        Assert.Equal(Enumerable.Range(0, 5050).Select(s => (long)s), all.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.FirstSequence + i)));
        const double g = 2 * 9.807 / 32768;
        Assert.Equal(delivered.Select(k => Value(k).X * g), all.SelectMany(b => b.DoubleColumn("X")!));
        Assert.Equal(delivered.Select(k => Value(k).Y * g), all.SelectMany(b => b.DoubleColumn("Y")!));
        Assert.All(all.SelectMany(b => b.DoubleColumn("Z")!), z => Assert.Equal(16384 * g, z));
    }

    [Theory]
    [InlineData(1000, 0, 1_000_000)]
    [InlineData(100, 9, 10_000_000)]
    [InlineData(4, 249, 250_000_000)]
    public void The_chip_is_set_to_the_nearest_rate_it_has_and_its_period_comes_from_its_registers(double rateHz, byte divider, long periodNanos)
    {
        var chip = new EmulatedMpu6050(T0);
        using var sensor = new Mpu6050FifoSensor(chip, "mpu6050-1-68", rateHz, () => chip.NowNanos);
        Assert.Equal(divider, chip.Registers[Mpu6050FifoSensor.SmplrtDiv]);
        Assert.Equal(periodNanos, sensor.PeriodNanos);
        Assert.Equal(periodNanos, chip.PeriodNanos);
    }

    [Theory]
    [InlineData(2000)]
    [InlineData(3)]
    public void A_rate_the_FIFO_cannot_sample_at_is_refused_naming_the_range(double rateHz)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Mpu6050FifoSensor(new EmulatedMpu6050(T0), "mpu6050-1-68", rateHz));
        Assert.Contains("3.91–1000 Hz (use :polled for other rates)", e.Message);
    }

    [Theory]
    [InlineData("mpu6050:1", typeof(Mpu6050FifoSensor))]
    [InlineData("mpu6050:1:fifo", typeof(Mpu6050FifoSensor))]
    [InlineData("mpu6050:1:0x68:FIFO", typeof(Mpu6050FifoSensor))]
    [InlineData("mpu6050:1:polled", typeof(Mpu6050Sensor))]
    [InlineData("mpu6050:1:0x68:polled", typeof(Mpu6050Sensor))]
    public void The_FIFO_is_the_default_and_polled_is_a_spec_setting(string spec, Type type)
    {
        var chip = new EmulatedMpu6050(T0);
        using var source = new SensorFactory { OpenI2c = _ => chip }.Open(SensorSpec.Parse(spec));
        Assert.IsType(type, source);
        Assert.Equal("mpu6050-1-68", source.SensorId);
    }

    [Theory]
    [InlineData("mpu6050:1:0x68:bogus", "expected mpu6050:<bus>[:<addr>][:fifo|:polled]")]
    [InlineData("mpu6050:1:fast", "address 'fast' is not a 7-bit I2C address (hex, 0x03-0x77) nor a read mode (fifo, polled)")]
    public void A_bad_read_mode_is_refused_with_the_reason(string spec, string reason)
    {
        var e = Assert.ThrowsAny<FormatException>(() => new SensorFactory { OpenI2c = _ => new EmulatedMpu6050(T0) }.Open(SensorSpec.Parse(spec)));
        Assert.Contains(reason, e.Message);
    }
}
