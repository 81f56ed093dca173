using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// One sampling loop: a dedicated thread that wakes at absolute deadlines (start + k·period, so no drift),
/// reads every sensor at the same deadline, measures lateness, skips (and counts) deadlines it fell a whole
/// period behind on, and hands each full batch — or an open batch older than the flush interval — to
/// <c>emit</c>. It never waits on anything downstream: <c>emit</c> must not block.
/// <para>Late wake-up policy (README "Sampling"): a polled register holds only its present value, so a deadline the loop
/// wakes up for late is still served — each sensor is read once, stamped with the true time of its own read (not the
/// deadline), and counted late per sensor when that read is more than half a period after the deadline; deadlines
/// that passed entirely are counted missed for every sensor of the loop and never filled with invented values.</para>
/// </summary>
public sealed class Sampler : IDisposable
{
    private readonly SamplerOptions _options;
    private readonly OpenBatch[] _batches;
    private readonly Action<SampleBatch> _emit;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private readonly LoopControl _control = new();

    /// <summary>Per sensor, what its failed and resumed reads write to the log.</summary>
    private readonly ReadFailureLog[] _failures;

    /// <param name="nextSequences">Per sensor id, the sequence its next sample gets (from the queue: last durable + 1).</param>
    public Sampler(SamplerOptions options, IReadOnlyList<ISensor> sensors, IReadOnlyDictionary<string, long> nextSequences,
        Action<SampleBatch> emit, ILogger log)
    {
        _options = options;
        _emit = emit;
        _log = log;
        _batches = sensors.Select(s => new OpenBatch(s, options.BatchSize, nextSequences.GetValueOrDefault(s.SensorId))).ToArray();
        SensorStats = sensors.Select(s => new SensorStats(s.SensorId)).ToArray();
        _failures = SensorStats.Select(s => new ReadFailureLog(s, log)).ToArray();
        _thread = new Thread(Run) { IsBackground = true, Name = $"sampler-{options.RateHz}Hz", Priority = ThreadPriority.Highest };
    }

    public SamplerStats Stats { get; } = new();

    private long _lowWater = MonotonicClock.UnixNowNanos();

    /// <summary>
    /// No sample this sampler hands over from now on is older than this (ns since the Unix epoch): the current tick's
    /// time or the first sample of a batch it still holds, published at the start of every tick (the writer's event time).
    /// </summary>
    public long LowWaterNanos => Volatile.Read(ref _lowWater);

    /// <summary>Per sensor, in the order given: samples, late, missed, read errors.</summary>
    public IReadOnlyList<SensorStats> SensorStats { get; }

    /// <summary>Samples recorded, all sensors (the sum of <see cref="SensorStats"/>).</summary>
    public long Samples => SensorStats.Sum(s => s.Samples);

    public int SensorCount => _batches.Length;

    public void Start() => _thread.Start();

    /// <summary>Emits every open batch at the next deadline; completes once they are handed over.</summary>
    public Task FlushAsync() => _control.RequestFlush();

    /// <summary>Stops at the next deadline, emitting the open batches (clean shutdown keeps every sample taken).</summary>
    public Task StopAsync() => _control.RequestStop();

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
            _control.Stopped();
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
        while (!_control.Stopping)
        {
            MonotonicClock.SleepUntil(deadline, spin);
            var now = MonotonicClock.NowNanos();
            var lateness = now - deadline;
            if (lateness >= period)
            {
                // A whole period or more behind: those deadlines are gone; count them and serve the latest one.
                var skipped = lateness / period;
                Stats.AddMissed(skipped);
                foreach (var sensor in SensorStats) sensor.AddMissed(skipped);
                deadline += skipped * period;
                lateness = now - deadline;
            }
            Stats.Lateness.Record(lateness);
            if (lateness > _options.LateThresholdNanos) Stats.AddLate();
            Stats.AddTick();

            // Every read of this tick is at or after `now`; published before the reads (the writer's event time).
            var low = epochOffset + now;
            foreach (var batch in _batches)
                if (batch.Count > 0) low = Math.Min(low, batch.FirstTimestampNanos);
            Volatile.Write(ref _lowWater, low);
            var taken = 0;
            for (var i = 0; i < _batches.Length; i++)
            {
                // Each sensor's own read time: a slow read of one sensor makes the next one late, and says so.
                var readAt = i == 0 ? now : MonotonicClock.NowNanos();
                var batch = _batches[i];
                var stats = SensorStats[i];
                stats.RecordLateness(readAt - deadline, _options.LateThresholdNanos);
                if (batch.TryAdd(epochOffset + readAt, readAt, out var error))
                {
                    _failures[i].Succeeded();
                    taken++;
                    stats.AddSamples(1);
                }
                else
                {
                    _failures[i].Failed(error!);
                }
                if (batch.IsFull) _emit(batch.TakeBatch());
            }
            samplesThisSecond += taken;
            if (now >= secondEnds)
            {
                Stats.SetSamplesLastSecond(samplesThisSecond);
                samplesThisSecond = 0;
                while (secondEnds <= now) secondEnds += 1_000_000_000;
            }

            if (_control.TakeFlushRequest() is { } flush)
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

    public void Dispose()
    {
        _ = _control.RequestStop();
        if (_thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(5));
    }
}
