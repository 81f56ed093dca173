using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Events;
using SensorStream.EdgeModule.Tests.Support;

namespace SensorStream.EdgeModule.Tests.Import;

/// <summary>
/// The CSV importer writes each value's JSON from the field's own text (<see cref="CsvNumberText"/>,
/// <see cref="CsvEventWriter"/>): the exact text written, and the exact value and type an exporter reads back
/// (<see cref="SampleBatchJson.Deserialize"/>, which the export step uses) — the value <c>double.Parse</c> gives the text.
/// </summary>
public sealed class CsvNumberTextTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("1.50", "1.50")]
    [InlineData("1e3", "1e3")]
    [InlineData("-1.25E-3", "-1.25E-3")]
    [InlineData("2E+2", "2E+2")]
    [InlineData("-0", "-0.0")]
    [InlineData("0", "0.0")]
    [InlineData("42", "42.0")]
    [InlineData("0.30000000000000004", "0.30000000000000004")]
    [InlineData("9007199254740993", "9007199254740993.0")] // 2^53 + 1: read back as double.Parse reads it
    [InlineData("1e-400", "1e-400")] // underflows to 0, finite: accepted as before
    [InlineData("+1.5", "1.5")] // not JSON: parsed and written as before
    [InlineData(".5", "0.5")]
    [InlineData("5.", "5.0")]
    [InlineData("007", "7.0")]
    [InlineData(" 2.5 ", "2.5")]
    [InlineData("123456789012345678901234567890", "1.2345678901234568E+29")] // longer than carried: parsed and formatted
    [InlineData("1e999", null)]
    [InlineData("-1E309", null)]
    [InlineData("NaN", null)]
    [InlineData("Infinity", null)]
    [InlineData("1,5", null)]
    [InlineData("1.5.2", null)]
    [InlineData("1e", null)]
    [InlineData("-", null)]
    [InlineData("", null)]
    public void A_value_with_a_decimal_point_is_carried_as_written_or_parsed_when_it_is_not_JSON(string field, string? json)
    {
        Span<byte> text = stackalloc byte[CsvNumberText.MaxBytes];
        var n = CsvNumberText.Double(field, '.', NumberFormatInfo.InvariantInfo, text);

        Assert.Equal(json, n < 0 ? null : Encoding.ASCII.GetString(text[..n]));
    }

    [Theory]
    [InlineData("20,5", "20.5")]
    [InlineData("-1,25e3", "-1.25e3")]
    [InlineData("40", "40.0")]
    [InlineData("-0", "-0.0")]
    [InlineData("0,1", "0.1")]
    [InlineData("1.5", null)]
    [InlineData("1,", "1.0")]
    public void A_decimal_comma_becomes_a_point(string field, string? json)
    {
        Span<byte> text = stackalloc byte[CsvNumberText.MaxBytes];
        var n = CsvNumberText.Double(field, ',', new CsvDialect(';', ',').Numbers, text);

        Assert.Equal(json, n < 0 ? null : Encoding.ASCII.GetString(text[..n]));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1764460800000000000", "1764460800000000000")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("9223372036854775808", null)]
    [InlineData("99999999999999999999", null)]
    [InlineData("-0", "0")]
    [InlineData("+5", "5")]
    [InlineData("007", "7")]
    [InlineData("-1", null)]
    [InlineData("1.0", null)]
    [InlineData("1e3", null)]
    [InlineData("", null)]
    public void A_timestamp_is_carried_when_it_is_canonical_and_parsed_otherwise(string field, string? json)
    {
        Span<byte> text = stackalloc byte[CsvNumberText.MaxBytes];
        var n = CsvNumberText.NonNegativeInteger(field, text);

        Assert.Equal(json, n < 0 ? null : Encoding.ASCII.GetString(text[..n]));
    }

    [Fact]
    public void The_queued_event_holds_the_fields_text_and_reads_back_as_exact_doubles()
    {
        var input = Directory.CreateDirectory(_dir.File("in")).FullName;
        File.WriteAllText(Path.Combine(input, "a.csv"),
            "TimestampNanos,A,\"B \"\"q\"\"\",Whole\n" +
            "1764460800000000000,1.50,1e3,3\n" +
            "1764460800000000001,-0,0.30000000000000004,-4\n" +
            "1764460800000000002,x,1,1\n" + // refused: nothing of it may stay in the event
            "+2,.5,-1.25E-3,0\n");
        File.SetLastWriteTimeUtc(Path.Combine(input, "a.csv"), DateTime.UtcNow.AddMinutes(-1));
        using var queue = EventQueue.Open(_dir.File("q.db"), new QueueOptions { MaxBytes = 1L << 30 }, NullLogger.Instance);
        var importer = new CsvDirectoryImporter(input, queue, 1000, TimeSpan.FromSeconds(1), NullLogger.Instance);

        Assert.Equal(1, importer.ScanOnce());

        var queued = Assert.Single(queue.ReadAfter(0, int.MaxValue, long.MaxValue));
        Assert.Equal("{\"SensorId\":\"csv-in\",\"FirstSequence\":0,\"TimestampNanos\":[1764460800000000000,1764460800000000001,2]," +
                     "\"A\":[1.50,-0.0,0.5],\"B \\u0022q\\u0022\":[1e3,0.30000000000000004,-1.25E-3],\"Whole\":[3.0,-4.0,0.0]}",
            Encoding.UTF8.GetString(queued.Data));
        Assert.Equal(3, queued.SampleCount);
        var batch = SampleBatchJson.Deserialize(queued.Data);
        Assert.Equal([1_764_460_800_000_000_000L, 1_764_460_800_000_000_001L, 2L], batch.TimestampNanos);
        Assert.Equal([1.5, -0.0, 0.5], batch.DoubleColumn("A")!);
        Assert.True(double.IsNegative(batch.DoubleColumn("A")![1]));
        Assert.Equal([1000.0, 0.30000000000000004, -0.00125], batch.DoubleColumn("B \"q\"")!);
        Assert.Equal([3.0, -4.0, 0.0], batch.DoubleColumn("Whole")!); // a column of whole numbers stays floating point
        Assert.Null(batch.LongColumn("Whole"));
        Assert.Equal(1, importer.RowsQuarantined);
    }
}
