using SensorStream.EdgeModule.Sensors;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// What the <c>csv:&lt;dir&gt;</c> driver opens: the folder to import. The collector turns it into a
/// <see cref="CsvDirectoryImporter"/> over its queue; nothing is held open until then.
/// </summary>
/// <param name="Directory">The folder named by the spec (as given).</param>
public sealed record CsvImportSource(string Directory) : ISensorSource
{
    /// <inheritdoc/>
    public string SensorId => CsvDirectoryImporter.SensorIdFor(Directory);

    /// <inheritdoc/>
    public void Dispose() { }
}
