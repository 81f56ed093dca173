using SensorStream.Functions.Settings;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Services;

/// <summary>Which streams the jobs run for: <c>MIRROR_STREAMS</c>, or when it is empty every stream the gateway has (mirror) / the blob store holds (export).</summary>
public sealed class StreamSelection(CloudSettings settings, BlobStreamStore store, GatewayClient? source)
{
    public async Task<IReadOnlyList<StreamName>> MirrorStreamsAsync(CancellationToken ct)
    {
        if (settings.Streams.Count > 0 || source is null) return settings.Streams;
        var streams = new List<StreamName>();
        foreach (var scope in await source.ListScopesAsync(ct).ConfigureAwait(false))
            streams.AddRange(await source.ListStreamsAsync(scope, ct).ConfigureAwait(false));
        return streams;
    }

    /// <summary>Export works from the blob copies, so it does not need the gateway to find its streams.</summary>
    public async Task<IReadOnlyList<StreamName>> ExportStreamsAsync(CancellationToken ct)
    {
        if (settings.Streams.Count > 0) return settings.Streams;
        var streams = new List<StreamName>();
        await foreach (var s in store.ListStreamsAsync(ct).ConfigureAwait(false)) streams.Add(s);
        return streams;
    }

    /// <summary>Streams for the status page: the configured or discovered ones plus every blob copy.</summary>
    public async Task<IReadOnlyList<StreamName>> AllStreamsAsync(CancellationToken ct)
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var s in await MirrorStreamsAsync(ct).ConfigureAwait(false)) all.Add(s.ToString());
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or HttpRequestException)
        {
            // The gateway is down: the blob copies still have a status.
        }
        foreach (var s in await ExportStreamsAsync(ct).ConfigureAwait(false)) all.Add(s.ToString());
        return all.Select(StreamName.Parse).ToList();
    }
}
