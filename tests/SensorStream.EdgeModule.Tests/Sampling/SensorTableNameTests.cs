using System.Text.RegularExpressions;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Sampling;

/// <summary>
/// functions/README.md's table "from the --sensor setting" (setting → SensorId → export table → folder) is what the
/// code does: the edge's sensor id of each setting (<see cref="SensorFactory.SensorIdOf"/>), the table the exporter
/// derives from an event of that sensor (<see cref="EventSchemas.TableOf"/>; the collector's own Schema field for
/// its built-in kinds names the same table, see BuiltInSchemaTests) and the table version's folder.
/// </summary>
public sealed partial class SensorTableNameTests
{
    private const string Header = "| `--sensor` | SensorId | table |";

    /// <summary>
    /// Rows of the table: the first code span of each cell; the setting is null in a row whose first cell does not
    /// start with one (another producer).
    /// </summary>
    private static List<string?[]> Rows()
    {
        var readme = File.ReadAllLines(Path.Combine(RepoPaths.Root, "functions", "README.md"));
        var start = Array.FindIndex(readme, l => l.StartsWith(Header, StringComparison.Ordinal));
        Assert.True(start >= 0, $"functions/README.md has no table starting '{Header}'");
        return readme.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim('|', ' ').Split(" | ").Select((c, i) => i == 0 && !c.StartsWith('`') ? null : Code().Match(c).Groups[1].Value).ToArray())
            .ToList();
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    [Fact]
    public void The_readme_names_the_sensor_id_table_and_folder_of_each_sensor_setting()
    {
        var rows = Rows();
        Assert.Equal(7, rows.Count);
        foreach (var row in rows)
        {
            var (setting, sensorId, table, folder) = (row[0], row[1]!, row[2]!, row[3]!);
            var kind = setting is null ? null : SensorSpec.Parse(setting).Kind;
            if (setting is not null) Assert.Equal(sensorId, SensorFactory.SensorIdOf(SensorSpec.Parse(setting)));
            var batch = new SampleBatch(sensorId, 0, [1]);
            if (kind == "synthetic") batch.WithColumn("Sample", new long[] { 0 }).WithColumn("Value", new[] { 0.5 });
            // An IIO sensor names its table itself (SensorSchemas: iio/<device>); every other row's table follows from its events.
            var derived = kind == "iio" ? null : EventSchemas.TableOf(batch);
            if (derived is not null) Assert.Equal(table, derived);
            Assert.Null(EventSchemas.Problem(table));
            Assert.Equal(folder, TableSchema.FolderOf(table, 1) + "/");
        }
    }
}
