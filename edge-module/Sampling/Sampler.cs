using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// One sampling loop: a dedicated thread that wakes at absolute deadlines (start + k·period, so no drift),
/// reads every sensor at the same deadline, measures lateness, skips (and counts) deadlines it fell a whole
/// period behind on, and hands each full batch — or an open batch older than the flush interval — to
/// <c>emit</c>. It never waits on anything downstream: <c>emit</c> must not block.
/// </summary>
public sealed class Sampler : IDisposable
{
    private readonly SamplerOptions _options;
    private readonly OpenBatch[] _batches;
    private readonly Action<SampleBatch> _emit;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile TaskCompletionSource? _flushRequest;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="nextSequences">Per sensor id, the sequence its next sample gets (from the queue: last durable + 1).</param>
    public Sampler(SamplerOptions options, IReadOnlyList<ISensor> sensors, IReadOnlyDictionary<string, long> nextSequences,
        Action<SampleBatch> emit, ILogger log)
    {
        _options = options;
        _emit = emit;
        _log = log;
        _batches = sensors.Select(s => new OpenBatch(s, options.BatchSize, nextSequences.GetValueOrDefault(s.SensorId))).ToArray();
        _thread = new Thread(Run) { IsBackground = true, Name = $"sampler-{options.RateHz}Hz", Priority = ThreadPriority.Highest };
    }

    public SamplerStats Stats { get; } = new();

    private long _lowWater = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    /// <summary>
    /// No sample this sampler hands over from now on is older than this (ns since the Unix epoch): the current tick's
    /// time or the first sample of a batch it still holds, published at the start of every tick (the writer's event time).
    /// </summary>
    public long LowWaterNanos => Volatile.Read(ref _lowWater);

    public int SensorCount => _batches.Length;

    public void Start() => _thread.Start();

    /// <summary>Emits every open batch at the next deadline; completes once they are handed over.</summary>
    public Task FlushAsync()
    {
        var request = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var previous = Interlocked.Exchange(ref _flushRequest, request);
        previous?.TrySetResult();
        return _stopped.Task.IsCompleted ? Task.CompletedTask : request.Task;
    }

    /// <summary>Stops at the next deadline, emitting the open batches (clean shutdown keeps every sample taken).</summary>
    public Task StopAsync()
    {
        _stopping = true;
        return _stopped.Task;
    }

    private void Run()
    {
        try
        {
            _log.LogInformation("Sampling {Sensors} sensors at {Rate} Hz on a dedicated thread with {Priority}",
                _batches.Length, _options.RateHz, SamplingThreadPriority.Raise(_options.Spin > TimeSpan.Zero ? 0 : _options.RealtimePriority));
            Loop();
        }
        catch (Exception e)
        {
            _log.LogCritical(e, "Sampling loop at {Rate} Hz failed", _options.RateHz);
        }
        finally
        {
            EmitOpenBatches();
            Interlocked.Exchange(ref _flushRequest, null)?.TrySetResult();
            _stopped.TrySetResult();
        }
    }

    private void Loop()
    {
        var period = _options.PeriodNanos;
        var spin = _options.Spin.Ticks * 100;
        var flushAfter = _options.FlushInterval.Ticks * 100;
        var epochOffset = MonotonicClock.EpochOffsetNanos();
        var deadline = MonotonicClock.NowNanos() + period;
        var secondEnds = deadline + 1_000_000_000;
        long samplesThisSecond = 0;
        while (!_stopping)
        {
            MonotonicClock.SleepUntil(deadline, spin);
            var now = MonotonicClock.NowNanos();
            var lateness = now - deadline;
            if (lateness >= period)
            {
                // A whole period or more behind: those deadlines are gone; count them and serve the latest one.
                var skipped = lateness / period;
                Stats.AddMissed(skipped);
                deadline += skipped * period;
                lateness = now - deadline;
            }
            Stats.Lateness.Record(lateness);
            if (lateness > _options.LateThresholdNanos) Stats.AddLate();
            Stats.AddTick();

            var timestamp = epochOffset + now;
            var low = timestamp;
            foreach (var batch in _batches)
                if (batch.Count > 0) low = Math.Min(low, batch.FirstTimestampNanos);
            Volatile.Write(ref _lowWater, low);
            var taken = 0;
            foreach (var batch in _batches)
            {
                if (batch.TryAdd(timestamp, now, out var error)) taken++;
                else ReportReadError(batch.Sensor, error!);
                if (batch.IsFull) _emit(batch.TakeBatch());
            }
            Stats.AddSamples(taken);
            samplesThisSecond += taken;
            if (now >= secondEnds)
            {
                Stats.SetSamplesLastSecond(samplesThisSecond);
                samplesThisSecond = 0;
                while (secondEnds <= now) secondEnds += 1_000_000_000;
            }

            if (Interlocked.Exchange(ref _flushRequest, null) is { } flush)
            {
                EmitOpenBatches();
                flush.TrySetResult();
            }
            else
            {
                foreach (var batch in _batches)
                    if (batch.Count > 0 && now - batch.OpenedAtNanos >= flushAfter) _emit(batch.TakeBatch());
            }
            deadline += period;
        }
    }

    private void EmitOpenBatches()
    {
        foreach (var batch in _batches)
            if (batch.Count > 0) _emit(batch.TakeBatch());
    }

    private void ReportReadError(ISensor sensor, Exception error)
    {
        Stats.AddReadError();
        // One line per power of two keeps a failing sensor visible without flooding the log at 1 kHz.
        var n = Stats.ReadErrors;
        if ((n & (n - 1)) == 0)
            _log.LogWarning("Sensor {Sensor} read failed ({Count} failures so far): {Error}", sensor.SensorId, n, error.Message);
    }

    public void Dispose()
    {
        _stopping = true;
        if (_thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(5));
    }
}
