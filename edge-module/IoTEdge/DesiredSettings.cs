using System.Text.Json.Nodes;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// The collector settings the module twin's desired properties may set. A null member means the twin does not
/// set it, so the module's own configuration (appsettings, command line) stays in force for it.
/// </summary>
public sealed record DesiredSettings
{
    /// <summary><c>sensors</c>: sensor specs, <c>kind:arguments</c> (e.g. <c>nic:eth0</c>, <c>mpu6050:1:0x68</c>).</summary>
    public IReadOnlyList<string>? Sensors { get; init; }

    /// <summary><c>rateHz</c>: samples per second per sensor.</summary>
    public double? RateHz { get; init; }

    /// <summary><c>batchSize</c>: samples per event.</summary>
    public int? BatchSize { get; init; }

    /// <summary><c>flushIntervalMs</c>: an open batch older than this is emitted even if not full.</summary>
    public int? FlushIntervalMs { get; init; }

    /// <summary><c>stream</c>: the target stream, <c>scope/stream</c>.</summary>
    public string? Stream { get; init; }

    /// <summary><c>limits.maxQueueMb</c>: bound on the MiB of events queued on the device.</summary>
    public double? MaxQueueMb { get; init; }

    /// <summary><c>limits.queueFull</c>: what a full queue does, <c>reject</c> (new samples) or <c>drop-oldest</c>.</summary>
    public string? QueueFull { get; init; }

    /// <summary><c>healthIntervalSeconds</c>: how often the health message goes upstream (the IoT Edge client's own setting).</summary>
    public int? HealthIntervalSeconds { get; init; }

    /// <summary>The settings as twin JSON (only the members that are set), in the desired-property shape.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (Sensors is not null) json[DesiredSettingsParser.SensorsName] = new JsonArray([.. Sensors.Select(s => JsonValue.Create(s))]);
        if (RateHz is { } rate) json[DesiredSettingsParser.RateHzName] = rate;
        if (BatchSize is { } batch) json[DesiredSettingsParser.BatchSizeName] = batch;
        if (FlushIntervalMs is { } flush) json[DesiredSettingsParser.FlushIntervalMsName] = flush;
        if (Stream is not null) json[DesiredSettingsParser.StreamName] = Stream;
        if (MaxQueueMb is not null || QueueFull is not null)
        {
            var limits = new JsonObject();
            if (MaxQueueMb is { } maxQueue) limits[DesiredSettingsParser.MaxQueueMbName] = maxQueue;
            if (QueueFull is not null) limits[DesiredSettingsParser.QueueFullName] = QueueFull;
            json[DesiredSettingsParser.LimitsName] = limits;
        }
        if (HealthIntervalSeconds is { } health) json[DesiredSettingsParser.HealthIntervalSecondsName] = health;
        return json;
    }
}
