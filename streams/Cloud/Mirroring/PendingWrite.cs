namespace SensorStream.Streams.Mirroring;

/// <summary>
/// A forward step into a public-protocol target (no transaction ids), recorded in the checkpoint BEFORE its write:
/// the source range ends at <see cref="EndCut"/> (it starts at the checkpoint's SourceCut) and the target's tail was
/// <see cref="TargetCut"/> at <see cref="RecordedAt"/>. Cuts are <see cref="BlobStreams.StreamCutCodec"/> text.
/// </summary>
public sealed record PendingWrite(string TargetCut, string EndCut, int Events, long Bytes, DateTimeOffset RecordedAt);
