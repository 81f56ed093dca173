using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// Drains one hardware-timed sensor (<see cref="IBufferedSensor"/>) on its own thread: every sample keeps the device's
/// timestamp, full batches — or an open batch older than the flush interval — go to <c>emit</c> (which must not
/// block), and a gap between consecutive timestamps longer than 1.5 periods counts the samples absent from it as missed.
/// How late this thread wakes changes only when a sample is shipped, never its value or time: the device's buffer
/// (<c>buffer/length</c>: 2 s) holds what arrives meanwhile.
/// </summary>
public sealed class BufferedSampler : IDisposable
{
    private const int ReadChunk = 256;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromMilliseconds(50);

    private readonly IBufferedSensor _sensor;
    private readonly SamplerOptions _options;
    private readonly OpenBatch _batch;
    private readonly Action<SampleBatch> _emit;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private readonly LoopControl _control = new();
    private readonly ReadFailureLog _failures;

    /// <param name="sensor">The opened device.</param>
    /// <param name="options">Batch size and flush interval (the rate is the device's).</param>
    /// <param name="nextSequence">The sequence its next sample gets (from the queue).</param>
    /// <param name="emit">Receives each batch; must not block.</param>
    /// <param name="log">Read errors by the rules of <see cref="ReadFailureLog"/>.</param>
    private long _lowWater = MonotonicClock.UnixNowNanos();

    /// <summary>
    /// No sample this sampler hands over from now on is older than this (ns since the Unix epoch, the kernel's realtime
    /// timestamps): the writer's event time (<see cref="Transactions.CollectorEventTime"/>).
    /// </summary>
    public long LowWaterNanos => Volatile.Read(ref _lowWater);

    public BufferedSampler(IBufferedSensor sensor, SamplerOptions options, long nextSequence, Action<SampleBatch> emit, ILogger log)
    {
        _sensor = sensor;
        _options = options;
        _emit = emit;
        _log = log;
        _batch = new OpenBatch(sensor, sensor.Shape, options.BatchSize, nextSequence);
        Stats = new SensorStats(sensor.SensorId);
        _failures = new ReadFailureLog(Stats, log);
        _thread = new Thread(Run) { IsBackground = true, Name = $"buffered-{sensor.SensorId}", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Samples, missed samples (timestamp gaps) and read errors of the sensor.</summary>
    public SensorStats Stats { get; }

    /// <summary>Starts the draining thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>Emits the open batch within one read timeout (50 ms); completes once it is handed over.</summary>
    public Task FlushAsync() => _control.RequestFlush();

    /// <summary>Stops after the current read, emitting the open batch.</summary>
    public Task StopAsync() => _control.RequestStop();

    private void Run()
    {
        try
        {
            _log.LogInformation("Draining {Sensor} ({Columns}) on its own thread: hardware-timed, period {Period} µs",
                _sensor.SensorId, string.Join(", ", _sensor.Shape.DoubleColumns), _sensor.PeriodNanos / 1000);
            Loop();
        }
        catch (Exception e)
        {
            _log.LogCritical(e, "Draining {Sensor} failed", _sensor.SensorId);
        }
        finally
        {
            if (_batch.Count > 0) _emit(_batch.TakeBatch());
            _control.Stopped();
        }
    }

    private void Loop()
    {
        var timestamps = new long[ReadChunk];
        var columns = _sensor.Shape.DoubleColumns.Select(_ => new double[ReadChunk]).ToArray();
        var row = new double[columns.Length];
        var period = _sensor.PeriodNanos;
        var flushAfter = _options.FlushInterval.Ticks * 100;
        long? last = null;
        while (!_control.Stopping)
        {
            int n;
            // Taken before the read: a scan the kernel timestamped before this is returned by this read.
            var readStart = MonotonicClock.UnixNowNanos();
            try
            {
                n = _sensor.ReadSamples(timestamps, columns, ReadTimeout);
            }
            catch (IOException e)
            {
                _failures.Failed(e);
                Thread.Sleep(ReadTimeout);
                continue;
            }
            _failures.Succeeded();
            var now = MonotonicClock.NowNanos();
            for (var i = 0; i < n; i++)
            {
                if (last is { } previous && timestamps[i] - previous > period + period / 2)
                    Stats.AddMissed((timestamps[i] - previous + period / 2) / period - 1);
                last = timestamps[i];
                for (var c = 0; c < row.Length; c++) row[c] = columns[c][i];
                _batch.Append(timestamps[i], now, [], row);
                if (_batch.IsFull) _emit(_batch.TakeBatch());
            }
            Stats.AddSamples(n);
            if (_control.TakeFlushRequest() is { } flush)
            {
                if (_batch.Count > 0) _emit(_batch.TakeBatch());
                flush.TrySetResult();
            }
            else if (_batch.Count > 0 && now - _batch.OpenedAtNanos >= flushAfter) _emit(_batch.TakeBatch());
            // Published after the batch it may pass was handed over: the open batch's first sample, else the next scan's
            // earliest possible time (just after the last one read, or the read's start when it found the buffer empty).
            Volatile.Write(ref _lowWater, _batch.Count > 0 ? _batch.FirstTimestampNanos : n == 0 ? readStart : (last ?? readStart) + 1);
        }
    }

    /// <summary>Stops the thread (waits up to 5 s); the sensor is disposed by its owner.</summary>
    public void Dispose()
    {
        _ = _control.RequestStop();
        if (_thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(5));
    }
}
