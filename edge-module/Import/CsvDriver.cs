using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Import;

/// <summary><see cref="SensorKinds.Csv"/> → <see cref="CsvImportSource"/> (the whole text after <c>csv:</c> is the folder).</summary>
public static class CsvDriver
{
    /// <summary>The registered driver.</summary>
    public static readonly SensorDriver Driver = new(SensorKinds.Csv,
        spec => CsvDirectoryImporter.SensorIdFor(SensorDriver.Single(spec)),
        (spec, _) => new CsvImportSource(SensorDriver.Single(spec)));
}
