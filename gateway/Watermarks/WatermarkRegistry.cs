using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Watermarks;

/// <summary>
/// The watermark of every stream of a gateway, created on first use. Keyed by the open stream itself, so a stream that
/// is deleted and created again starts without one (its <c>watermark.json</c> went with its directory).
/// </summary>
public sealed class WatermarkRegistry(WatermarkOptions options, ILoggerFactory logs)
{
    private readonly ConditionalWeakTable<StreamStore, StreamWatermark> _streams = new();
    private readonly ILogger _log = logs.CreateLogger<StreamWatermark>();

    public WatermarkOptions Options => options;

    /// <summary>The watermark of <paramref name="stream"/>; reading its file may throw <see cref="StorageDamageException"/> naming it.</summary>
    public StreamWatermark For(StreamStore stream) => _streams.GetValue(stream, s => new StreamWatermark(s, options, _log));
}
