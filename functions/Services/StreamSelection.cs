using SensorStream.Functions.Settings;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Services;

/// <summary>Which streams the jobs run for: <c>MIRROR_STREAMS</c>, or when it is empty every stream the gateway has (mirror) / the blob store holds (export).</summary>
public sealed class StreamSelection(CloudSettings settings, BlobStreamStore store, GatewayClient? source)
{
    /// <summary>
    /// The streams the mirror and forward jobs read from the source gateway: <c>MIRROR_STREAMS</c>, or when it is empty
    /// every stream of every scope (ListScopes + ListStreams). Throws <see cref="StreamDiscoveryException"/> when the list
    /// is empty and the gateway has no ListScopes (public protocol): only configured streams work there.
    /// </summary>
    public async Task<IReadOnlyList<StreamName>> MirrorStreamsAsync(CancellationToken ct)
    {
        if (settings.Streams.Count > 0 || source is null) return settings.Streams;
        IReadOnlyList<string> scopes;
        try
        {
            scopes = await source.ListScopesAsync(ct).ConfigureAwait(false);
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unimplemented)
        {
            throw new StreamDiscoveryException(source.Endpoint);
        }
        var streams = new List<StreamName>();
        foreach (var scope in scopes)
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
        catch (Exception e) when (e is Grpc.Core.RpcException or HttpRequestException or StreamDiscoveryException)
        {
            // The gateway is down, or cannot list its streams: the blob copies still have a status.
        }
        foreach (var s in await ExportStreamsAsync(ct).ConfigureAwait(false)) all.Add(s.ToString());
        return all.Select(StreamName.Parse).ToList();
    }
}
