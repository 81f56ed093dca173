using csFastFloat;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SensorStream.Streams.Events;

/// <summary>
/// The wire form of a <see cref="SampleBatch"/>: one JSON object of parallel arrays, e.g.
/// <c>{"SensorId":"nic-eth0","FirstSequence":0,"Interface":"eth0","TimestampNanos":[…],"RxBytes":[…]}</c>.
/// Floating-point values are always written with a '.' or exponent so that readers can tell a double
/// column from an integer column without a schema. <c>Schema</c> (a table name such as <c>nic</c> or
/// <c>csv/plant-a</c>, see <see cref="EventSchemas"/>) and <c>SchemaVersion</c> (≥ 1) are optional and written together.
/// </summary>
public static class SampleBatchJson
{
    /// <summary>
    /// The largest event, in bytes of its JSON form: 8 MiB (8,388,608), Pravega's event size limit
    /// (<c>Serializer.MAX_EVENT_SIZE</c>) and the public gateway's. The one default for every component: the gateway's
    /// <c>--max-event-bytes</c>, the collector's refusal to queue a larger event (and its <c>--batch</c> bound), the CSV
    /// importer's split of a part into events, and the exporter's dead-lettering of a larger event.
    /// </summary>
    public const int MaxEventBytes = 8 * 1024 * 1024;

    public static byte[] Serialize(SampleBatch batch)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + batch.Count * 24 * (1 + batch.LongColumns.Count + batch.DoubleColumns.Count));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(SampleBatch.SensorIdField, batch.SensorId);
            json.WriteNumber(SampleBatch.FirstSequenceField, batch.FirstSequence);
            if (batch.Schema is { } schema)
            {
                json.WriteString(SampleBatch.SchemaField, schema);
                json.WriteNumber(SampleBatch.SchemaVersionField, batch.SchemaVersion);
            }
            foreach (var (name, value) in batch.Scalars) json.WriteString(name, value);
            WriteLongs(json, SampleBatch.TimestampField, batch.TimestampNanos);
            foreach (var (name, values) in batch.LongColumns) WriteLongs(json, name, values);
            foreach (var (name, values) in batch.DoubleColumns) WriteDoubles(json, name, values);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteLongs(Utf8JsonWriter json, string name, long[] values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }

    private static void WriteDoubles(Utf8JsonWriter json, string name, double[] values)
    {
        Span<byte> text = stackalloc byte[DoubleText.MaxLength];
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) throw new ArgumentException($"column '{name}' holds {v}, which JSON cannot carry", name);
            json.WriteRawValue(text[..DoubleText.Format(v, text)], skipInputValidation: true);
        }
        json.WriteEndArray();
    }

    /// <summary>Parses an event; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SampleBatch Deserialize(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            return Read(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"event is not valid JSON: {e.Message}", e);
        }
    }

    private static SampleBatch Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new FormatException("event is not a JSON object");
        string? sensorId = null;
        long? firstSequence = null;
        long[]? timestamps = null;
        string? schema = null;
        int? schemaVersion = null;
        var scalars = new List<KeyValuePair<string, string>>();
        var columns = new List<(string Name, long[]? Longs, double[]? Doubles)>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case SampleBatch.SensorIdField:
                    sensorId = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new FormatException("SensorId must be a string");
                    break;
                case SampleBatch.FirstSequenceField:
                    firstSequence = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seq) ? seq : throw new FormatException("FirstSequence must be an integer");
                    break;
                case SampleBatch.SchemaField:
                    schema = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new FormatException("Schema must be a string");
                    break;
                case SampleBatch.SchemaVersionField:
                    schemaVersion = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version) && version >= 1
                        ? version : throw new FormatException("SchemaVersion must be an integer from 1");
                    break;
                default:
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        var (longs, doubles) = ReadNumberArray(ref reader, name);
                        if (name == SampleBatch.TimestampField) timestamps = longs ?? throw new FormatException("TimestampNanos must hold integers");
                        else columns.Add((name, longs, doubles));
                    }
                    else if (reader.TokenType == JsonTokenType.String) scalars.Add(new(name, reader.GetString()!));
                    else if (reader.TokenType == JsonTokenType.Number) scalars.Add(new(name, Encoding.UTF8.GetString(reader.ValueSpan)));
                    else reader.Skip();
                    break;
            }
        }
        if (sensorId is null) throw new FormatException("event has no SensorId");
        if (firstSequence is null) throw new FormatException("event has no FirstSequence");
        if (timestamps is null) throw new FormatException("event has no TimestampNanos array");
        var batch = new SampleBatch(sensorId, firstSequence.Value, timestamps);
        if (schema is not null)
        {
            if (EventSchemas.Problem(schema) is { } problem) throw new FormatException(problem);
            batch.WithSchema(schema, schemaVersion ?? 1);
        }
        else if (schemaVersion is not null) throw new FormatException("SchemaVersion without Schema");
        foreach (var (name, value) in scalars) batch.WithScalar(name, value);
        foreach (var (name, longs, doubles) in columns)
        {
            var count = longs?.Length ?? doubles!.Length;
            if (count != timestamps.Length)
                throw new FormatException($"column '{name}' has {count} values but TimestampNanos has {timestamps.Length}");
            if (doubles is not null) batch.WithColumn(name, doubles);
            else batch.WithColumn(name, longs!);
        }
        return batch;
    }

    /// <summary>Growable scratch buffers for one array being read (per thread, reused: the values are copied out exactly once).</summary>
    [ThreadStatic] private static long[]? _longScratch;
    [ThreadStatic] private static double[]? _doubleScratch;

    /// <summary>
    /// Reads a number array straight from its UTF-8 tokens (no intermediate strings): integers while every value is
    /// one, doubles once any value shows a '.' or an exponent — then the whole array is read again as doubles, so the
    /// column type is decided by the array as a whole (as <see cref="Serialize"/> writes it). Exactly one result is set.
    /// Values parse as <c>long.Parse</c>/<c>double.Parse</c> of their text would (invariant, IEEE round-to-nearest).
    /// </summary>
    private static (long[]? Longs, double[]? Doubles) ReadNumberArray(ref Utf8JsonReader reader, string name)
    {
        var start = reader;
        var longs = _longScratch ??= new long[1024];
        var n = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number) throw new FormatException($"array '{name}' must hold numbers only");
            if (reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0)
            {
                reader = start;
                return (null, ReadDoubles(ref reader, name));
            }
            if (!reader.TryGetInt64(out var value)) throw new FormatException($"array '{name}' holds {Encoding.UTF8.GetString(reader.ValueSpan)}, beyond a 64-bit integer");
            if (n == longs.Length) _longScratch = longs = Grow(longs);
            longs[n++] = value;
        }
        return (longs.AsSpan(0, n).ToArray(), null);
    }

    private static double[] ReadDoubles(ref Utf8JsonReader reader, string name)
    {
        var doubles = _doubleScratch ??= new double[1024];
        var n = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number) throw new FormatException($"array '{name}' must hold numbers only");
            // The reader has checked the token is a JSON number. fast_float (csFastFloat) gives the correctly rounded
            // double, as double.Parse does, at about half its cost (the doubles are most of an event's parse); anything
            // it refuses goes to double.Parse, which reads what does not fit a finite double as ±Infinity, as before.
            if (!FastDoubleParser.TryParseDouble(reader.ValueSpan, out var value))
                value = double.Parse(reader.ValueSpan, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            if (n == doubles.Length) _doubleScratch = doubles = Grow(doubles);
            doubles[n++] = value;
        }
        return doubles.AsSpan(0, n).ToArray();
    }

    private static T[] Grow<T>(T[] values)
    {
        var bigger = new T[values.Length * 2];
        values.CopyTo(bigger, 0);
        return bigger;
    }
}
