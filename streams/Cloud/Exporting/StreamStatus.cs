using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Where one stream stands in the cloud: the source tail (null when the gateway was not asked or not reachable),
/// the mirrored position (last chunk and its end cut), the exported position (first chunk not exported) and the lags.
/// </summary>
public sealed record StreamStatus
{
    public required string Stream { get; init; }

    /// <summary>The source's tail cut text; null when unknown.</summary>
    public string? SourceTail { get; init; }

    /// <summary>Why the source tail is unknown, when it is.</summary>
    public string? SourceError { get; init; }

    /// <summary>Number of the last chunk; -1 when nothing is mirrored.</summary>
    public long LastChunk { get; init; } = -1;

    /// <summary>Events in the blob stream.</summary>
    public long MirroredEvents { get; init; }

    /// <summary>The source cut text the last chunk ends at.</summary>
    public string? MirroredCut { get; init; }

    /// <summary>True when the mirrored cut is the source tail.</summary>
    public bool? MirrorCaughtUp { get; init; }

    /// <summary>Source bytes not yet mirrored, when the gateway reports per-segment offsets.</summary>
    public long? MirrorLagBytes { get; init; }

    /// <summary>First chunk not yet exported.</summary>
    public long ExportedChunks { get; init; }

    public long ExportedEvents { get; init; }

    public long ExportedRows { get; init; }

    public long DeadLettered { get; init; }

    /// <summary>A recorded range whose files are being written, if any.</summary>
    public ExportRange? ExportPending { get; init; }

    /// <summary>Chunks mirrored but not exported.</summary>
    public long ExportLagChunks => LastChunk + 1 - ExportedChunks;

    /// <summary>Events mirrored but not exported.</summary>
    public long ExportLagEvents => MirroredEvents - ExportedEvents;

    internal static string? Text(StreamCut? cut) => cut?.Text;
}
