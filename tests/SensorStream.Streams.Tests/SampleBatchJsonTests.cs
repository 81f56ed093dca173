using System.Text;
using SensorStream.Streams.Events;

namespace SensorStream.Streams.Tests;

public class SampleBatchJsonTests
{
    [Fact]
    public void Round_trips_every_field_and_keeps_column_types()
    {
        var batch = new SampleBatch("nic-eth0", 42, [1_000_000_000_000, 1_000_001_000_000])
            .WithScalar("Interface", "eth0")
            .WithColumn("RxBytes", new long[] { 10, 20 })
            .WithColumn("X", new[] { 1.0, -9.81 });
        var json = SampleBatchJson.Serialize(batch);
        Assert.Equal(
            """{"SensorId":"nic-eth0","FirstSequence":42,"Interface":"eth0","TimestampNanos":[1000000000000,1000001000000],"RxBytes":[10,20],"X":[1.0,-9.81]}""",
            Encoding.UTF8.GetString(json));

        var back = SampleBatchJson.Deserialize(json);
        Assert.Equal("nic-eth0", back.SensorId);
        Assert.Equal(42, back.FirstSequence);
        Assert.Equal(44, back.NextSequence);
        Assert.Equal("eth0", back.Scalar("Interface"));
        Assert.Equal(new long[] { 10, 20 }, back.LongColumn("RxBytes"));
        Assert.Equal(new[] { 1.0, -9.81 }, back.DoubleColumn("X"));
        Assert.Null(back.LongColumn("X"));
    }

    [Fact]
    public void Numbers_parse_straight_from_their_text_as_long_and_double_Parse_would()
    {
        // A '.' or exponent anywhere makes the whole array DOUBLE (also integers before it); extremes, subnormals and
        // integers past 2^53 round exactly as double.Parse of their text; an overflowing double is ±Infinity as before.
        string[] doubles = ["7", "0.1", "-0.0", "5e-324", "1.7976931348623157E+308", "9007199254740993", "2.2250738585072014E-308", "1e400", "-1E+400", "123456.789012345678"];
        string[] longs = ["0", "-0", "9223372036854775807", "-9223372036854775808", "42"];
        var json = $$"""{"SensorId":"a","FirstSequence":0,"TimestampNanos":[{{string.Join(',', Enumerable.Range(1, 10))}}],"D":[{{string.Join(',', doubles)}}],"L":[{{string.Join(',', longs.Concat(longs))}}]}""";
        var batch = SampleBatchJson.Deserialize(Encoding.UTF8.GetBytes(json));
        Assert.Equal(doubles.Select(d => double.Parse(d, System.Globalization.CultureInfo.InvariantCulture)), batch.DoubleColumn("D")!);
        Assert.Equal(longs.Concat(longs).Select(l => long.Parse(l, System.Globalization.CultureInfo.InvariantCulture)), batch.LongColumn("L")!);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), batch.TimestampNanos);
    }

    [Fact]
    public void Doubles_are_the_correctly_rounded_double_of_their_text_bit_for_bit()
    {
        // Halfway cases (ties to even), the subnormal boundary, more digits than a double holds, negative zero: the
        // parsed bits equal double.Parse's (the runtime's correctly rounded parse), whichever parser reads them.
        string[] doubles =
        [
            "-0.0", "0.30000000000000004", "4.9406564584124654E-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
            "1.00000000000000011102230246251565404236316680908203125", "1.00000000000000011102230246251565404236316680908203126",
            "9007199254740993.0", "9007199254740995.0", "2.2250738585072011e-308", "1.7976931348623158e308", "1.7976931348623159e308",
            "0.000000000000000000000000000000000000000000001", "123456789012345678901234567890.5e-10", "1E-7", "-3.14159265358979323846",
        ];
        var json = $$"""{"SensorId":"a","FirstSequence":0,"TimestampNanos":[{{string.Join(',', Enumerable.Range(1, doubles.Length))}}],"D":[{{string.Join(',', doubles)}}]}""";
        var parsed = SampleBatchJson.Deserialize(Encoding.UTF8.GetBytes(json)).DoubleColumn("D")!;
        Assert.Equal(doubles.Select(d => BitConverter.DoubleToInt64Bits(double.Parse(d, System.Globalization.CultureInfo.InvariantCulture))), parsed.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"FirstSequence":1,"TimestampNanos":[]}""", "no SensorId")]
    [InlineData("""{"SensorId":"a","TimestampNanos":[]}""", "no FirstSequence")]
    [InlineData("""{"SensorId":"a","FirstSequence":0}""", "no TimestampNanos")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"TimestampNanos":[1],"X":[1.0,2.0]}""", "column 'X' has 2 values")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"TimestampNanos":[1],"X":["a"]}""", "must hold numbers")]
    [InlineData("""{"SensorId":"a",""", "not valid JSON")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"TimestampNanos":[1],"N":[99999999999999999999]}""", "array 'N' holds 99999999999999999999, beyond a 64-bit integer")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"TimestampNanos":[1.5]}""", "TimestampNanos must hold integers")]
    public void Rejects_malformed_events_saying_why(string json, string reason)
    {
        var e = Assert.Throws<FormatException>(() => SampleBatchJson.Deserialize(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Rejects_columns_of_the_wrong_length() =>
        Assert.Throws<ArgumentException>(() => new SampleBatch("s", 0, [1, 2]).WithColumn("V", new[] { 1.0 }));

    [Fact]
    public void Flatten_orders_columns_fixed()
    {
        var batch = new SampleBatch("s", 5, [1]).WithScalar("RemoteAddr", "h").WithColumn("Z", new[] { 0.5 }).WithColumn("TxBytes", new long[] { 3 });
        Assert.Equal(["SensorId", "Sequence", "TimestampNanos", "TxBytes", "Z", "RemoteAddr"], Flatten.ColumnNames(batch));
        Assert.Equal(5, Flatten.Sequence(batch, 0));
    }
}
