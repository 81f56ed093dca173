using System.Buffers.Binary;
using System.Device.I2c;
using Iot.Device.Imu;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// MPU6050 accelerometer read through the chip's 1024-byte FIFO (MPU-6000/6050 Register Map rev 4.2): the chip takes
/// the samples at its own sample rate, <c>1 kHz / (1 + SMPLRT_DIV)</c> with the digital low-pass filter on
/// (<c>CONFIG.DLPF_CFG</c> 1–6; 8 kHz with it off), and the collector drains them in batches, so no sample depends on
/// when the collector wakes up.
/// <para>Set up through the Iot.Device.Bindings <see cref="Mpu6050"/> (reset, WHO_AM_I, ±2 g, <see cref="Mpu6050.GyroscopeBandwidth"/>
/// → CONFIG, <see cref="Mpu6050.SampleRateDivider"/> → SMPLRT_DIV, <see cref="Mpu6050.FifoModes"/> → FIFO_EN.ACCEL_FIFO_EN)
/// and read with <see cref="Mpu6050.FifoCount"/> (FIFO_COUNT_H first, which latches both bytes) and
/// <see cref="Mpu6050.ReadFifo"/> (burst from FIFO_R_W). Three registers are written directly because the binding has no
/// API for them: USER_CTRL.FIFO_EN (bit 6; the binding's FifoModes setter sets only FIFO_RESET), INT_ENABLE.FIFO_OFLOW_EN
/// and INT_STATUS.FIFO_OFLOW_INT (bit 4, cleared by reading). The binding's own acceleration scale is not used either:
/// it divides by (1 + SMPLRT_DIV), which is right for neither axis; 16384 LSB per g at ±2 g is (datasheet 6.2).</para>
/// <para>Sample times: the chip does not timestamp its samples, so each read takes the clock before and after
/// FIFO_COUNT; the newest sample in the FIFO was taken in that window, one period at most before it. Samples are placed
/// one chip period apart, continuing the previous read's timeline, which is moved only as far as needed to stay in that
/// window (the chip's oscillator drifts by up to ±1 %) — so the timeline has no gaps unless samples were lost.</para>
/// <para>Overflow: when the FIFO is full the chip drops the oldest bytes, so the FIFO no longer starts at a sample
/// boundary. A read that finds INT_STATUS.FIFO_OFLOW_INT set (checked after the data, so a read overlapping an overflow
/// is discarded too) or more bytes than whole samples fit resets the FIFO and drops what it read; the next samples are
/// placed at the read time, so the gap in the timeline is exactly the samples lost, which the
/// <see cref="Sampling.BufferedSampler"/> counts as missed. Each overflow is logged (the 1st, 2nd, 4th, …).</para>
/// </summary>
public sealed class Mpu6050FifoSensor : IBufferedSensor
{
    /// <summary>FIFO size in bytes (Register Map 4.17).</summary>
    public const int FifoBytes = 1024;

    /// <summary>One accelerometer sample in the FIFO: ACCEL_XOUT_H … ACCEL_ZOUT_L, big-endian.</summary>
    public const int SampleBytes = 6;

    /// <summary>Register addresses and bits the binding has no API for (Register Map rev 4.2).</summary>
    internal const byte Config = 0x1A, SmplrtDiv = 0x19, IntEnable = 0x38, IntStatus = 0x3A, UserCtrl = 0x6A;

    internal const byte FifoOverflowBit = 0x10, UserCtrlFifoEnable = 0x40, UserCtrlFifoReset = 0x04;

    private const double Gravity = 9.807; // the binding's value, so both read modes give the same numbers
    private const int WholeSamples = FifoBytes / SampleBytes; // 170

    private readonly Mpu6050 _device;
    private readonly I2cDevice _i2c;
    private readonly Func<long> _clock;
    private readonly ILogger _log;
    private readonly double _scale;
    private readonly byte[] _bytes = new byte[WholeSamples * SampleBytes];
    private long? _last; // timestamp of the last sample handed out, null until the first (and after an overflow)

    /// <param name="device">The chip's I2C device (owned: disposed with the sensor).</param>
    /// <param name="sensorId">The sensor id.</param>
    /// <param name="rateHz">Wanted samples per second, 3.92–1000; the chip's nearest rate <c>1000 / (1 + SMPLRT_DIV)</c> is used and reported as <see cref="PeriodNanos"/>.</param>
    /// <param name="clockNanos">Wall clock in ns since the Unix epoch (a seam for tests; default the system clock).</param>
    /// <param name="log">Overflows.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is outside what the chip can sample.</exception>
    /// <exception cref="IOException">The chip does not answer as an MPU6050.</exception>
    public Mpu6050FifoSensor(I2cDevice device, string sensorId, double rateHz, Func<long>? clockNanos = null, ILogger? log = null)
    {
        if (!(rateHz is >= 1000.0 / 256 and <= 1000))
            throw new ArgumentOutOfRangeException(nameof(rateHz), rateHz, $"the MPU6050 FIFO samples at 1000/(1+SMPLRT_DIV) Hz: {1000.0 / 256:F2}–1000 Hz (use :polled for other rates)");
        SensorId = sensorId;
        _i2c = device;
        _clock = clockNanos ?? (() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100);
        _log = log ?? NullLogger.Instance;
        _device = new Mpu6050(device);
        _device.AccelerometerRange = AccelerometerRange.Range02G;
        _device.GyroscopeBandwidth = GyroscopeBandwidth.Bandwidth0184Hz; // DLPF_CFG = 1: 1 kHz sample clock
        _device.SampleRateDivider = (byte)Math.Clamp((int)Math.Round(1000 / rateHz) - 1, 0, 255);
        PeriodNanos = ChipPeriodNanos(Read(Config), Read(SmplrtDiv));
        _scale = 2 * Gravity / 32768; // ±2 g full scale over the signed 16-bit range
        _device.FifoModes = FifoModes.Accelerometer;
        Write(IntEnable, FifoOverflowBit);
        ResetFifo();
        var settings = device.ConnectionSettings;
        Shape = SensorShape.Acceleration(new("Device", "mpu6050"), new("Bus", $"i2c-{settings.BusId}:0x{settings.DeviceAddress:x2}"));
    }

    /// <summary>The sample period the chip's registers give (Register Map 4.2/4.3): 8 kHz clock with DLPF_CFG 0 or 7, else 1 kHz, divided by 1 + SMPLRT_DIV.</summary>
    public static long ChipPeriodNanos(byte config, byte sampleRateDivider) =>
        (1 + sampleRateDivider) * ((config & 0x07) is 0 or 7 ? 125_000L : 1_000_000L);

    public string SensorId { get; }

    public SensorShape Shape { get; }

    public long PeriodNanos { get; }

    private long _overflows;

    /// <summary>FIFO overflows seen (each one resets the FIFO; the lost samples show as missed). Safe to read from any thread.</summary>
    public long Overflows => Volatile.Read(ref _overflows);

    public int ReadSamples(Span<long> timestamps, double[][] doubles, TimeSpan timeout)
    {
        var before = _clock();
        var bytes = (int)_device.FifoCount;
        var after = _clock();
        var inFifo = bytes / SampleBytes;
        var n = Math.Min(Math.Min(inFifo, timestamps.Length), WholeSamples);
        if (n == 0 && bytes < SampleBytes)
        {
            // Nothing yet: come back when about a quarter of the FIFO has filled, well before it can overflow.
            Thread.Sleep(TimeSpan.FromTicks(Math.Min(timeout.Ticks, Math.Max(TimeSpan.TicksPerMillisecond, PeriodNanos * WholeSamples / 4 / 100))));
            return 0;
        }
        var data = _bytes.AsSpan(0, n * SampleBytes);
        if (n > 0) _device.ReadFifo(data);
        if ((Read(IntStatus) & FifoOverflowBit) != 0 || bytes > WholeSamples * SampleBytes)
        {
            ResetFifo();
            _last = null;
            var overflows = Interlocked.Increment(ref _overflows);
            if ((overflows & (overflows - 1)) == 0)
                _log.LogWarning("Sensor {Sensor}: the MPU6050 FIFO overflowed ({Count} times so far): it was reset and the samples lost count as missed; read more often or lower --rate",
                    SensorId, overflows);
            return 0;
        }
        // The newest sample in the FIFO was taken after before − period and by after.
        var newest = _last is { } last ? Math.Clamp(last + inFifo * PeriodNanos, before - PeriodNanos + 1, after) : after;
        var first = newest - (inFifo - 1) * PeriodNanos;
        for (var i = 0; i < n; i++)
        {
            var sample = data.Slice(i * SampleBytes, SampleBytes);
            timestamps[i] = first + i * PeriodNanos;
            for (var axis = 0; axis < 3; axis++) doubles[axis][i] = BinaryPrimitives.ReadInt16BigEndian(sample[(2 * axis)..]) * _scale;
        }
        _last = timestamps[n - 1];
        return n;
    }

    /// <summary>USER_CTRL: FIFO_EN with FIFO_RESET (the reset bit clears itself); then INT_STATUS is read to clear a stale overflow flag.</summary>
    private void ResetFifo()
    {
        Write(UserCtrl, UserCtrlFifoEnable | UserCtrlFifoReset);
        Read(IntStatus);
    }

    private byte Read(byte register)
    {
        _i2c.WriteByte(register);
        return _i2c.ReadByte();
    }

    private void Write(byte register, byte value) => _i2c.Write([register, value]);

    public void Dispose() => _device.Dispose();
}
