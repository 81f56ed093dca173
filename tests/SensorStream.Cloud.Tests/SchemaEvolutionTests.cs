using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;

namespace SensorStream.Cloud.Tests;

/// <summary>Table versions: declared, first seen, a column added, a type widened; planning a range twice changes nothing.</summary>
public sealed class SchemaEvolutionTests
{
    private static SampleBatch Csv(params (string Name, object Values)[] columns)
    {
        var batch = new SampleBatch("csv-plant", 0, [1]);
        foreach (var (name, values) in columns)
        {
            if (values is long[] longs) batch.WithColumn(name, longs);
            else if (values is double[] doubles) batch.WithColumn(name, doubles);
            else batch.WithScalar(name, (string)values);
        }
        return batch;
    }

    private static string Describe(TableSchema t) => $"{t.Folder}: {string.Join(", ", t.Columns.Select(c => $"{c.Name}({c.Source}) {c.Kind}"))}";

    [Fact]
    public void A_new_column_and_a_type_change_each_make_the_next_version_and_say_so()
    {
        var (v1, notes1) = SchemaEvolution.Plan([], [Csv(("Temp", new long[] { 20 }), ("hour", new[] { 17.5 }))], fromChunk: 0);
        Assert.Equal(["csv/plant/v1: Temp(Temp) Long, hour_1(hour) Double"], v1.Select(Describe));
        Assert.Equal(["table csv/plant v1: first seen (Temp Long, hour_1 Double)"], notes1);

        var (v2, notes2) = SchemaEvolution.Plan(v1, [Csv(("Temp", new[] { 20.5 }), ("Humidity", new[] { 40.0 }))], fromChunk: 7);
        Assert.Equal(["csv/plant/v2: Temp(Temp) Double, hour_1(hour) Double, Humidity(Humidity) Double"], v2.Select(Describe));
        Assert.Equal(["table csv/plant v2: column Temp widened from Long to Double; added column Humidity (Double)"], notes2);
        Assert.Equal(7, v2.Single().SinceChunk);

        // Text where numbers were: widened to String. Numbers where the column is already Double: no change.
        var (v3, _) = SchemaEvolution.Plan(v2, [Csv(("Temp", "n/a")), Csv(("Humidity", new long[] { 41 }))], fromChunk: 9);
        Assert.Equal(["csv/plant/v3: Temp(Temp) String, hour_1(hour) Double, Humidity(Humidity) Double"], v3.Select(Describe));
    }

    [Fact]
    public void Planning_the_same_range_again_keeps_every_table_as_it_is()
    {
        SampleBatch[] range = [Csv(("Temp", new long[] { 20 })), Csv(("Temp", new[] { 1.5 }), ("Extra", "x")),
            new SampleBatch("nic-lo", 0, [1]).WithColumn("RxBytes", new long[] { 1 }).WithColumn("Dropped", new long[] { 0 })];
        var (first, _) = SchemaEvolution.Plan([], range, 3);
        var (again, notes) = SchemaEvolution.Plan(first, range, 3);
        Assert.Same(first[0], again[0]);
        Assert.Same(first[1], again[1]);
        Assert.Empty(notes);
        // A built-in kind starts from its declared columns; a field beyond them is appended in the same first version.
        Assert.Equal("nic/v1: RxBytes(RxBytes) Long, TxBytes(TxBytes) Long, RxPackets(RxPackets) Long, TxPackets(TxPackets) Long, " +
                     "RxErrors(RxErrors) Long, TxErrors(TxErrors) Long, CounterResets(CounterResets) Long, RemoteAddr(RemoteAddr) String, Interface(Interface) String, Dropped(Dropped) Long",
            Describe(first[1]));
        Assert.Equal("declared columns, added column Dropped (Long)", first[1].Reason);
    }
}
