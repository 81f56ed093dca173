using System.Collections.Concurrent;
using SensorStream.Cli.Reading;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Cli.Monitoring;

/// <summary>
/// Per-sensor progress as seen in the stream: committed samples, the last sequence number, and
/// <paramref name="SamplesPerSecond"/>: how many samples carry a timestamp in the sensor's last whole second (the
/// second before its newest sample's; null until one whole second was seen). Counted by the samples' own timestamps, not
/// by when their batches arrived, so a 1 kHz sensor shows 1,000 even though its batches arrive in bursts.
/// </summary>
public sealed record SensorProgress(long Samples, long LastSequence, double? SamplesPerSecond = null);

/// <summary>
/// Tails the stream in the background and counts committed samples per SensorId, so the live view shows per-sensor
/// numbers of what actually reached the stream (the collector's own metrics are per process), with each sensor's rate
/// by its samples' timestamps (<see cref="SensorProgress.SamplesPerSecond"/>).
/// </summary>
public sealed class StreamWatcher(GatewayClient gateway, StreamName stream) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SensorProgress> _sensors = new();
    private readonly Dictionary<string, SamplesPerSecond> _rates = new(); // the loop's own

    /// <summary>Samples per second of event time (UTC seconds since the epoch) of one sensor, the last few seconds.</summary>
    private sealed class SamplesPerSecond
    {
        private const int Kept = 10;
        private readonly SortedDictionary<long, long> _counts = new();
        private long? _first;

        public void Add(ReadOnlySpan<long> timestampNanos)
        {
            foreach (var t in timestampNanos)
            {
                var second = Math.DivRem(t, 1_000_000_000L, out var rest) - (rest < 0 ? 1 : 0);
                _first ??= second;
                _counts[second] = _counts.GetValueOrDefault(second) + 1;
            }
            while (_counts.Count > Kept) _counts.Remove(_counts.Keys.First());
        }

        /// <summary>The count of the second before the newest sample's (complete: a sensor's samples come in order); null while that second is the sensor's first (partly covered) or older.</summary>
        public double? LastWholeSecond
        {
            get
            {
                if (_counts.Count == 0) return null;
                var whole = _counts.Keys.Last() - 1;
                return whole > _first ? _counts.GetValueOrDefault(whole) : null;
            }
        }
    }
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public IReadOnlyDictionary<string, SensorProgress> Sensors => _sensors;

    public void Start() => _loop = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        Streams.Protocol.StreamCut? from = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                from ??= (await gateway.GetStreamInfoAsync(stream, _stop.Token)).Tail;
                await foreach (var e in gateway.ReadEventsAsync(stream, from, ct: _stop.Token))
                {
                    from = e.CutAfter;
                    if (StreamBatches.Decode(e).Batch is not { } batch) continue;
                    if (!_rates.TryGetValue(batch.SensorId, out var rate)) _rates[batch.SensorId] = rate = new SamplesPerSecond();
                    rate.Add(batch.TimestampNanos);
                    _sensors.AddOrUpdate(batch.SensorId, _ => new SensorProgress(batch.Count, batch.NextSequence - 1, rate.LastWholeSecond),
                        (_, p) => new SensorProgress(p.Samples + batch.Count, Math.Max(p.LastSequence, batch.NextSequence - 1), rate.LastWholeSecond));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Grpc.Core.RpcException)
            {
                // The gateway is restarting or away: resume from the last cut once it answers again.
                try { await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
