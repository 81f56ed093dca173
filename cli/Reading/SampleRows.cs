using System.Globalization;
using System.Text;
using System.Text.Json;
using SensorStream.Streams.Events;

namespace SensorStream.Cli.Reading;

/// <summary>
/// A batch's samples as rows for <c>tail</c>: CSV (the columns of <see cref="Flatten.ColumnNames"/>, doubles round-trip)
/// or JSON Lines (one object per sample, keys = column names; numbers as JSON numbers, a non-finite double as a string).
/// Each writer returns how many rows it wrote, so <c>--count</c> counts rows.
/// </summary>
public static class SampleRows
{
    /// <summary>Writes up to <paramref name="max"/> CSV rows (without header); returns how many.</summary>
    public static int WriteCsv(TextWriter output, SampleBatch batch, long max)
    {
        var row = new StringBuilder();
        var n = (int)Math.Min(batch.Count, max);
        for (var i = 0; i < n; i++)
        {
            row.Clear().Append(batch.SensorId).Append(',').Append(Flatten.Sequence(batch, i)).Append(',').Append(batch.TimestampNanos[i]);
            foreach (var (_, values) in batch.LongColumns) row.Append(',').Append(values[i]);
            foreach (var (_, values) in batch.DoubleColumns) row.Append(',').Append(values[i].ToString("R", CultureInfo.InvariantCulture));
            foreach (var (_, value) in batch.Scalars) row.Append(',').Append(value);
            output.WriteLine(row);
        }
        return n;
    }

    /// <summary>
    /// JSON Lines go to a UTF-8 terminal or file: non-ASCII letters (a column "Température") stay as they are; only what
    /// JSON requires is escaped (quotes, backslashes, control characters).
    /// </summary>
    private static readonly JsonWriterOptions JsonLinesWriting = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes up to <paramref name="max"/> JSON Lines rows; returns how many.</summary>
    public static int WriteJsonLines(TextWriter output, SampleBatch batch, long max)
    {
        var n = (int)Math.Min(batch.Count, max);
        var buffer = new MemoryStream();
        for (var i = 0; i < n; i++)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer, JsonLinesWriting))
            {
                json.WriteStartObject();
                json.WriteString(SampleBatch.SensorIdField, batch.SensorId);
                json.WriteNumber("Sequence", Flatten.Sequence(batch, i));
                json.WriteNumber(SampleBatch.TimestampField, batch.TimestampNanos[i]);
                foreach (var (name, values) in batch.LongColumns) json.WriteNumber(name, values[i]);
                foreach (var (name, values) in batch.DoubleColumns)
                {
                    if (double.IsFinite(values[i])) json.WriteNumber(name, values[i]);
                    else json.WriteString(name, values[i].ToString(CultureInfo.InvariantCulture));
                }
                foreach (var (name, value) in batch.Scalars) json.WriteString(name, value);
                json.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        return n;
    }
}
