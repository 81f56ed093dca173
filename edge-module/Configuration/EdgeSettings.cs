using System.Reflection;
using System.Text;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Naming;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>
/// Everything the collector is configured with. Built by <see cref="SettingsLoader"/> from flags, environment
/// variables and appsettings.json (see <see cref="SettingsCatalog"/> for names and defaults), or by the IoT Edge
/// integration with <c>with</c>-expressions; <see cref="Validate"/> before use.
/// </summary>
public sealed record EdgeSettings
{
    public Uri? Gateway { get; init; }
    public string? GatewayToken { get; init; }
    public string? GatewayTokenFile { get; init; }
    public string? GatewayCaFile { get; init; }
    public string Scope { get; init; } = "";
    public string Stream { get; init; } = "";
    public string Db { get; init; } = "sensorstream-edge.db";
    public IReadOnlyList<SensorSpec> Sensors { get; init; } = [];
    public double Rate { get; init; } = 1000;
    public int Batch { get; init; } = 1000;
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Spin { get; init; } = TimeSpan.Zero;
    public int RealtimePriority { get; init; } = 10;
    public double MaxQueueMb { get; init; } = 1024;

    /// <summary><see cref="MaxQueueMb"/> in bytes: the queue's bound (<see cref="QueueOptions.MaxBytes"/>).</summary>
    public long MaxQueueBytes => (long)(MaxQueueMb * 1024 * 1024);
    public QueueFullPolicy QueueFull { get; init; } = QueueFullPolicy.Reject;
    public int TxnMaxEvents { get; init; } = 100;
    public TimeSpan TxnLease { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Public gateway protocol only: how long after its record a range's write outcome is final (see CoordinatorOptions.OutcomeWindow).</summary>
    public TimeSpan OutcomeWindow { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int MetricsPort { get; init; }
    public string MetricsHost { get; init; } = "localhost";
    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan CsvStableTime { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan CsvPollInterval { get; init; } = TimeSpan.FromSeconds(1);
    public char CsvSeparator { get; init; } = ',';
    public char CsvDecimalSeparator { get; init; } = '.';
    public string CsvEncoding { get; init; } = "utf-8";

    /// <summary>The CSV dialect of every <c>csv:</c> directory.</summary>
    public Import.CsvDialect CsvDialect => new(CsvSeparator, CsvDecimalSeparator, CsvEncoding);

    public StreamName StreamName => new(Scope, Stream);

    /// <summary>
    /// The bearer token for the gateway: <see cref="GatewayToken"/>, or the trimmed text of <see cref="GatewayTokenFile"/>
    /// read now, so that a restart picks up a corrected or rotated file. Throws <see cref="SettingsException"/> when the
    /// file is missing or empty.
    /// </summary>
    public string? ReadGatewayToken() => GatewayTokenFile is { } file ? SettingsValidation.ReadTokenFile(file) : GatewayToken;

    /// <summary>Throws <see cref="SettingsException"/> naming the first invalid setting.</summary>
    public EdgeSettings Validate()
    {
        SettingsValidation.Validate(this);
        return this;
    }

    // A record prints every member; the token must never reach a log or an error message through a settings dump.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.AppendJoin(", ", typeof(EdgeSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => $"{p.Name} = {Printable(p.Name, p.GetValue(this))}"));
        return true;
    }

    private static object? Printable(string name, object? value) => value switch
    {
        not null when name == nameof(GatewayToken) => "***",
        IEnumerable<object> list => $"[{string.Join(", ", list)}]",
        _ => value,
    };
}
