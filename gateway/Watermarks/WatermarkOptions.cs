namespace SensorStream.Gateway.Watermarks;

/// <summary>Tunables of the per-stream watermarks (the server fills them from its settings).</summary>
public sealed record WatermarkOptions
{
    /// <summary>
    /// A writer that has not committed with an event time for this long stops holding the watermark back (Pravega drops
    /// writers that stop reporting from its computation the same way). Default 5 minutes: well above the collector's
    /// commit interval (about a second at the default batch) and its longest retry back-off, so a gateway restart or
    /// a short outage makes no late data; short against the hour partitions, so a collector that is gone for good
    /// delays the hour's completeness marker by at most this much.
    /// </summary>
    public TimeSpan WriterTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most writers one stream tracks; a mark of a further writer is ignored (and logged), the commit still succeeds.</summary>
    public int MaxWritersPerStream { get; init; } = 10_000;

    /// <summary>Longest writer id accepted, in characters.</summary>
    public int MaxWriterIdLength { get; init; } = 256;

    /// <summary>Milliseconds since the Unix epoch; replaceable in tests.</summary>
    public Func<long> Clock { get; init; } = () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
