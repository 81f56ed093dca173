using System.Text;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Tests;

/// <summary>The event's table name (Schema field, derivation rule) and the exported column name rules.</summary>
public class EventSchemaTests
{
    [Fact]
    public void Schema_and_version_round_trip_and_a_batch_without_them_writes_neither()
    {
        var batch = new SampleBatch("a", 0, [1]).WithSchema("csv/plant-a", 2).WithColumn("V", new[] { 20.0 });
        var json = Encoding.UTF8.GetString(SampleBatchJson.Serialize(batch));
        Assert.Equal("""{"SensorId":"a","FirstSequence":0,"Schema":"csv/plant-a","SchemaVersion":2,"TimestampNanos":[1],"V":[20.0]}""", json);
        var back = SampleBatchJson.Deserialize(Encoding.UTF8.GetBytes(json));
        Assert.Equal(("csv/plant-a", 2), (back.Schema, back.SchemaVersion));
        var plain = SampleBatchJson.Deserialize(SampleBatchJson.Serialize(new SampleBatch("a", 0, [1])));
        Assert.Equal((null, 0), (plain.Schema, plain.SchemaVersion));
    }

    [Theory]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"Schema":1,"TimestampNanos":[1]}""", "Schema must be a string")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"Schema":"a=b","TimestampNanos":[1]}""", "schema name 'a=b' contains '='")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"Schema":"a/b/c","TimestampNanos":[1]}""", "more than two")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"Schema":"nic/v1","TimestampNanos":[1]}""", "schema name 'nic/v1' ends in 'v1', the name of table 'nic''s version folder")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"Schema":"sensor","TimestampNanos":[1]}""", "schema name 'sensor' is the namespace of per-instance tables (csv/…, iio/…, sensor/…)")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"Schema":"x","SchemaVersion":0,"TimestampNanos":[1]}""", "SchemaVersion must be an integer from 1")]
    [InlineData("""{"SensorId":"a","FirstSequence":0,"SchemaVersion":1,"TimestampNanos":[1]}""", "SchemaVersion without Schema")]
    public void Bad_schema_fields_are_refused_with_the_reason(string json, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => SampleBatchJson.Deserialize(Encoding.UTF8.GetBytes(json))).Message);

    [Fact]
    public void Fields_named_like_the_schema_fields_are_refused_in_a_batch()
    {
        Assert.Throws<ArgumentException>(() => new SampleBatch("a", 0, [1]).WithColumn("Schema", new[] { 1.0 }));
        Assert.Throws<ArgumentException>(() => new SampleBatch("a", 0, [1]).WithScalar("SchemaVersion", "1"));
    }

    [Theory]
    [InlineData("nic-eth0", "nic")]
    [InlineData("csv-plant a", "csv/plant_a")]
    [InlineData("mpu6050-1-68", "accel")]
    [InlineData("lis3dh-1-18", "accel")]
    [InlineData("x=y", "sensor/x_y")]
    [InlineData("..", "sensor/_")]
    public void Without_a_schema_the_table_follows_from_the_sensor_id(string sensorId, string table) =>
        Assert.Equal(table, EventSchemas.TableOf(new SampleBatch(sensorId, 0, [1])));

    [Fact]
    public void The_schema_field_wins_and_synthetic_fields_name_the_synthetic_table()
    {
        Assert.Equal("accel", EventSchemas.TableOf(new SampleBatch("nic-eth0", 0, [1]).WithSchema("accel")));
        Assert.Equal("synthetic", EventSchemas.TableOf(new SampleBatch("a", 0, [1]).WithColumn("Sample", new long[] { 0 }).WithColumn("Value", new[] { 0.5 })));
        Assert.Equal("sensor/a", EventSchemas.TableOf(new SampleBatch("a", 0, [1]).WithColumn("Sample", new long[] { 0 })));
    }

    [Fact]
    public void Column_names_are_unique_without_regard_to_case_and_never_reserved()
    {
        Assert.Equal(["Temp", "temp_1", "hour_1", "date_1", "Sequence_1", "TIMESTAMP_1", "schema_1", "column", "column_1", "a_b", "hour_1_1"],
            ColumnNames.Assign(["Temp", "temp", "hour", "date", "Sequence", "TIMESTAMP", "schema", "", " ", "a\tb", "hour_1"]));
        // Idempotent: names the rule assigned are kept as they are.
        var once = ColumnNames.Assign(["hour", "Hour", "x"]);
        Assert.Equal(once, ColumnNames.Assign(once));
    }
}
