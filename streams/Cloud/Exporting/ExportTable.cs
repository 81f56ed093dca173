namespace SensorStream.Streams.Exporting;

/// <summary>
/// Flattened rows of one table version, column by column: SensorId, Sequence, TimestampNanos, Timestamp, then the
/// table's sensor columns (see <see cref="ExportTableBuilder"/>).
/// </summary>
public sealed class ExportTable(IReadOnlyList<ExportColumn> columns, int rowCount)
{
    public IReadOnlyList<ExportColumn> Columns { get; } = columns;

    public int RowCount { get; } = rowCount;

    public ExportColumn SensorId => Columns[0];

    public ExportColumn Sequence => Columns[1];

    public ExportColumn TimestampNanos => Columns[2];

    public ExportTable Select(int[] rows) => new(Columns.Select(c => c.Select(rows)).ToList(), rows.Length);

    /// <summary>
    /// Splits the rows by the UTC hour of their event time (for the Hive <c>date=/hour=</c> partitions), keeping row
    /// order within each hour. The common case — every row in one hour — returns this table without copying.
    /// </summary>
    public IReadOnlyList<(DateTime Hour, ExportTable Rows)> ByHour()
    {
        var times = TimestampNanos.Longs!;
        if (RowCount == 0) return [];
        var first = ExportLayout.HourOf(times[0]);
        var single = true;
        for (var i = 1; i < times.Length && single; i++) single = ExportLayout.HourOf(times[i]) == first;
        if (single) return [(first, this)];
        var groups = new SortedDictionary<DateTime, List<int>>();
        for (var i = 0; i < times.Length; i++)
        {
            var hour = ExportLayout.HourOf(times[i]);
            if (!groups.TryGetValue(hour, out var rows)) groups[hour] = rows = [];
            rows.Add(i);
        }
        return groups.Select(g => (g.Key, Select(g.Value.ToArray()))).ToList();
    }
}
