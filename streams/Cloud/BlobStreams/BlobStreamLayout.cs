using System.Globalization;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.BlobStreams;

/// <summary>
/// Blob names of the cloud copy of a stream: container <c>streams</c>, chunks <c>{scope}/{stream}/{seq:D12}.chunk</c>.
/// Fixed-width sequence numbers make the lexical listing order the chunk order.
/// </summary>
public static class BlobStreamLayout
{
    public const string Container = "streams";
    public const string ChunkExtension = ".chunk";

    public static string Prefix(StreamName stream) => $"{stream.Scope}/{stream.Stream}/";

    public static string ChunkName(StreamName stream, long seq) =>
        Prefix(stream) + seq.ToString("D12", CultureInfo.InvariantCulture) + ChunkExtension;

    /// <summary>The hint blob remembers the last chunk's number so that readers need not list every chunk.</summary>
    public static string HintName(StreamName stream) => Prefix(stream) + "last-chunk.hint";

    /// <summary>The stream's event-time watermark as the mirror carried it (<see cref="CloudWatermark"/>).</summary>
    public static string WatermarkName(StreamName stream) => Prefix(stream) + "watermark.json";

    /// <summary>Chunk number of a chunk blob name (with or without the stream prefix); false for other blobs.</summary>
    public static bool TryParseChunk(string name, out long seq)
    {
        seq = -1;
        if (!name.EndsWith(ChunkExtension, StringComparison.Ordinal)) return false;
        var slash = name.LastIndexOf('/');
        var digits = name.AsSpan(slash + 1, name.Length - slash - 1 - ChunkExtension.Length);
        return digits.Length == 12 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }
}
