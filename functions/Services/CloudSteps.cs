using SensorStream.Functions.Settings;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Services;

/// <summary>
/// The bounded steps every host runs — durable activities in Functions, plain loops in the local host, direct calls
/// in tests. Inputs are strings so they cross the activity boundary as they are.
/// </summary>
public sealed class CloudSteps
{
    private readonly BlobMirror? _mirror;
    private readonly GatewayMirror? _forward;
    private readonly Exporter _exporter;

    public CloudSteps(CloudSettings settings, BlobStreamStore store, Exporter exporter, GatewayClient? source, GatewayClient? target)
    {
        _exporter = exporter;
        if (source is not null) _mirror = new BlobMirror(source, store, settings.Mirror);
        // Forwarding a gateway into itself would copy its own copies forever.
        if (source is not null && target is not null && source.Endpoint == target.Endpoint)
            throw new InvalidOperationException($"MIRROR_TARGET_GATEWAY is GATEWAY_ENDPOINT ({source.Endpoint}): a stream would be mirrored into itself");
        if (source is not null && target is not null)
            _forward = new GatewayMirror(source, target, new ContainerGate(store.Service.GetBlobContainerClient(ExportLayout.CheckpointContainer)), settings.Mirror);
    }

    public bool CanMirror => _mirror is not null;

    public bool CanForward => _forward is not null;

    /// <summary>Gateway stream → blob stream, one chunk.</summary>
    public Task<StepResult> MirrorAsync(string stream, CancellationToken ct = default) =>
        (_mirror ?? throw new InvalidOperationException("GATEWAY_ENDPOINT is not set: nothing to mirror from")).StepAsync(StreamName.Parse(stream), ct);

    /// <summary>Gateway stream → the same stream on the target gateway, one transaction.</summary>
    public Task<StepResult> ForwardAsync(string stream, CancellationToken ct = default)
    {
        var name = StreamName.Parse(stream);
        return (_forward ?? throw new InvalidOperationException("MIRROR_TARGET_GATEWAY is not set")).StepAsync(name, name, ct);
    }

    /// <summary>Blob stream → CSV + Parquet, one file range; <paramref name="flushNow"/> exports what is buffered without waiting.</summary>
    public Task<StepResult> ExportAsync(string stream, bool flushNow = false, CancellationToken ct = default) =>
        _exporter.StepAsync(StreamName.Parse(stream), flushNow, ct);
}
