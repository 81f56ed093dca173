namespace SensorStream.Streams.Exporting;

/// <summary>
/// What <see cref="SchemaEvolution.Plan(IReadOnlyList{TableSchema}, IEnumerable{PositionedBatch}, Func{SampleBatch, string})"/>
/// decided for a range: the newest version of every table after it (<c>Tables</c>, in order of first
/// appearance), one note per new version (<c>Notes</c>), and the version of each planned batch, in the
/// batches' order (<c>Versions</c>).
/// </summary>
public sealed record SchemaPlan(IReadOnlyList<TableSchema> Tables, IReadOnlyList<string> Notes, IReadOnlyList<TableSchema> Versions);
