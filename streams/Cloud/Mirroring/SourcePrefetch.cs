using System.Threading.Channels;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Mirroring;

/// <summary>
/// Read-ahead of a blob mirror: ONE ReadEventBatches call (<see cref="SourceBatch.Read"/>) from <see cref="From"/> to
/// the tail of <see cref="Bounds"/>, cut into <see cref="SourceBatch"/>es by the <see cref="MirrorOptions"/> limits
/// (one response is one batch) on a background task that keeps one
/// batch ready while the caller uploads the one before — so the source read overlaps the blob write and costs one
/// call per range, not one per chunk. Nothing here commits anything: a batch only becomes part of the blob stream
/// when the caller's create-only chunk write succeeds, and a read-ahead that is dropped (position changed, error,
/// idle for <see cref="MirrorOptions.PrefetchIdleTimeout"/>) is simply read again.
/// </summary>
public sealed class SourcePrefetch : IAsyncDisposable
{
    private readonly Channel<SourceBatch> _ready = Channel.CreateBounded<SourceBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    /// <summary>Starts reading <paramref name="stream"/> from <paramref name="from"/> (null = head) up to <paramref name="bounds"/>' tail.</summary>
    public SourcePrefetch(GatewayClient source, StreamName stream, StreamCut? from, StreamBounds bounds, MirrorOptions options)
    {
        From = from;
        Bounds = bounds;
        _reading = Task.Run(() => ReadAsync(source, stream, from, bounds.Tail, options, _stop.Token));
    }

    /// <summary>Where the next batch <see cref="TakeAsync"/> returns starts (null = the head).</summary>
    public StreamCut? From { get; private set; }

    /// <summary>The stream info the read ends at: its tail, and the watermark read together with that tail.</summary>
    public StreamBounds Bounds { get; }

    /// <summary>True when the next batch starts at <paramref name="position"/> (both null = the head).</summary>
    public bool StartsAt(StreamCut? position) =>
        From is null ? position is null : StreamCutCodec.SamePosition(From, position);

    /// <summary>
    /// The next batch, or null once the read reached the tail of <see cref="Bounds"/> (or gave up idle). Throws what
    /// the read threw.
    /// </summary>
    public async Task<SourceBatch?> TakeAsync(CancellationToken ct)
    {
        if (!await _ready.Reader.WaitToReadAsync(ct).ConfigureAwait(false)) return null;
        var batch = await _ready.Reader.ReadAsync(ct).ConfigureAwait(false);
        From = batch.EndCut;
        return batch;
    }

    private async Task ReadAsync(GatewayClient source, StreamName stream, StreamCut? from, StreamCut tail, MirrorOptions options, CancellationToken ct)
    {
        try
        {
            var batch = new SourceBatch.Builder(options);
            await foreach (var read in SourceBatch.Read(source, stream, from, tail, options, ct).ConfigureAwait(false))
            {
                if (batch.TryAdd(read)) continue;
                if (!await PublishAsync(batch.Build(hitLimit: true), options, ct).ConfigureAwait(false)) return;
                batch = new SourceBatch.Builder(options);
                batch.TryAdd(read);
            }
            if (batch.Count > 0) await PublishAsync(batch.Build(hitLimit: false), options, ct).ConfigureAwait(false);
            _ready.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _ready.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _ready.Writer.TryComplete(e);
        }
    }

    /// <summary>Hands a batch over; false (and the read ends) when nobody took the one before within the idle timeout.</summary>
    private async Task<bool> PublishAsync(SourceBatch batch, MirrorOptions options, CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(options.PrefetchIdleTimeout);
        try
        {
            await _ready.Writer.WriteAsync(batch, idle.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _ready.Writer.TryComplete(); // idle: release the gateway's reader slot; the next step reads again
            return false;
        }
    }

    /// <summary>Stops the read (the gateway call is cancelled) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false); // never throws: every exception ends in the channel
        _stop.Dispose();
    }
}
