using System.Collections.Concurrent;
using SensorStream.Cli.Reading;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Cli.Monitoring;

/// <summary>Per-sensor progress as seen in the stream: committed samples and the last sequence number.</summary>
public sealed record SensorProgress(long Samples, long LastSequence);

/// <summary>
/// Tails the stream in the background and counts committed samples per SensorId, so the live view shows
/// per-sensor rates of what actually arrived (the collector's own metrics are per process).
/// </summary>
public sealed class StreamWatcher(GatewayClient gateway, StreamName stream) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SensorProgress> _sensors = new();
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
                    _sensors.AddOrUpdate(batch.SensorId, _ => new SensorProgress(batch.Count, batch.NextSequence - 1),
                        (_, p) => new SensorProgress(p.Samples + batch.Count, Math.Max(p.LastSequence, batch.NextSequence - 1)));
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
