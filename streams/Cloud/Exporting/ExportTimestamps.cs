namespace SensorStream.Streams.Exporting;

/// <summary>
/// The typed event time of exported rows. Parquet: TIMESTAMP(isAdjustedToUTC=true, MICROS) — the one unit that
/// DuckDB (TIMESTAMP WITH TIME ZONE), Spark 3 (TimestampType; it refuses NANOS unless a legacy flag reads them as
/// plain longs) and pandas/pyarrow (datetime64[us, UTC] or [ns, UTC]) all read natively. The exact nanoseconds
/// stay in the INT64 column <c>TimestampNanos</c>. CSV: ISO 8601 UTC with microseconds and a <c>Z</c>.
/// </summary>
public static class ExportTimestamps
{
    /// <summary>ISO 8601 UTC with microseconds, e.g. <c>2026-11-26T10:00:00.123456Z</c>.</summary>
    public const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>UTC time of <paramref name="nanos"/> ns since the Unix epoch, truncated to .NET's 100 ns ticks.</summary>
    public static DateTime ToDateTime(long nanos) => DateTime.UnixEpoch.AddTicks(nanos / 100);
}
