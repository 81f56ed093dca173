using System.Text.Json;
using System.Text.Json.Nodes;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.EdgeModule.IoTEdge.Hosting;

/// <summary>
/// Fronts the <see cref="Collector"/> for the IoT Edge client. Twin settings are overrides on the module's own
/// configuration (flags, environment, appsettings) captured at start-up: a property removed from the twin goes
/// back to that value. Each override is checked with the collector's own validation on its own, so one bad
/// value is refused by name (keeping the value in force) while the others apply; the collector is restarted only
/// when something changed.
/// </summary>
public sealed class CollectorModuleHost(Collector collector, TimeSpan flushTimeout) : IModuleHost
{
    private static readonly JsonSerializerOptions MetricsJson = new(JsonSerializerDefaults.Web);

    private readonly EdgeSettings _local = collector.Settings;

    /// <summary>Collector setting key (<see cref="SettingsCatalog"/>) to the twin property it comes from.</summary>
    private static readonly IReadOnlyDictionary<string, string> TwinNameOf =
        CollectorSettings.Group.All.Where(s => s.TwinPath is not null).ToDictionary(s => s.Key, s => s.TwinPath!)
            // Spin must stay below one period: a faster rate can break it, so it is reported under the rate.
            .Append(new KeyValuePair<string, string>("Spin", DesiredSettingsParser.RateHzName)).ToDictionary();

    public JsonObject MetricsSnapshot()
    {
        var snapshot = JsonSerializer.SerializeToNode(collector.GetMetrics(), MetricsJson)!.AsObject();
        snapshot["running"] = collector.IsRunning;
        return snapshot;
    }

    public async Task<JsonObject> FlushAsync(CancellationToken ct)
    {
        var result = await collector.FlushAsync(flushTimeout, ct).ConfigureAwait(false);
        return new JsonObject { ["drained"] = result.Drained, ["queueEvents"] = result.QueueEvents };
    }

    public async Task<ApplyResult> ApplyAsync(DesiredSettings desired, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var current = collector.Settings;
        var next = _local;
        foreach (var (twinName, apply) in Overrides(desired))
        {
            try
            {
                var candidate = apply(next);
                candidate.Validate();
                next = candidate;
            }
            catch (SettingsException e)
            {
                errors[TwinNameOf.GetValueOrDefault(e.Setting.Key, twinName)] = e.Problem;
                next = KeepInForce[twinName](next, current);
            }
            catch (FormatException e)
            {
                errors[twinName] = e.Message;
                next = KeepInForce[twinName](next, current);
            }
        }

        if (!SameSettings(next, current))
            await collector.ApplySettingsAsync(next, ct).ConfigureAwait(false);
        return new ApplyResult(AppliedJson(collector.Settings), errors);
    }

    /// <summary>
    /// How a refused override keeps the value in force rather than the module's own: a typo in the twin must not reset
    /// what an earlier twin version set (e.g. the sensor list).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, Func<EdgeSettings, EdgeSettings, EdgeSettings>> KeepInForce =
        new Dictionary<string, Func<EdgeSettings, EdgeSettings, EdgeSettings>>
        {
            [DesiredSettingsParser.SensorsName] = (next, now) => next with { Sensors = now.Sensors },
            [DesiredSettingsParser.StreamName] = (next, now) => next with { Scope = now.Scope, Stream = now.Stream },
            [DesiredSettingsParser.RateHzName] = (next, now) => next with { Rate = now.Rate },
            [DesiredSettingsParser.BatchSizeName] = (next, now) => next with { Batch = now.Batch },
            [DesiredSettingsParser.FlushIntervalMsName] = (next, now) => next with { FlushInterval = now.FlushInterval },
            [$"{DesiredSettingsParser.LimitsName}/{DesiredSettingsParser.MaxQueueMbName}"] = (next, now) => next with { MaxQueueMb = now.MaxQueueMb },
            [$"{DesiredSettingsParser.LimitsName}/{DesiredSettingsParser.QueueFullName}"] = (next, now) => next with { QueueFull = now.QueueFull },
        };

    /// <summary>The twin's overrides, in an order where each validates against what came before it.</summary>
    private static IEnumerable<(string TwinName, Func<EdgeSettings, EdgeSettings> Apply)> Overrides(DesiredSettings d)
    {
        if (d.Sensors is { } sensors)
            yield return (DesiredSettingsParser.SensorsName, s => s with { Sensors = sensors.Select(SensorSpec.Parse).ToArray() });
        if (d.Stream is { } stream)
            yield return (DesiredSettingsParser.StreamName, s =>
            {
                var slash = stream.IndexOf('/');
                return s with { Scope = stream[..slash], Stream = stream[(slash + 1)..] };
            });
        if (d.RateHz is { } rate) yield return (DesiredSettingsParser.RateHzName, s => s with { Rate = rate });
        if (d.BatchSize is { } batch) yield return (DesiredSettingsParser.BatchSizeName, s => s with { Batch = batch });
        if (d.FlushIntervalMs is { } flush) yield return (DesiredSettingsParser.FlushIntervalMsName, s => s with { FlushInterval = TimeSpan.FromMilliseconds(flush) });
        if (d.MaxQueueMb is { } maxQueue)
            yield return ($"{DesiredSettingsParser.LimitsName}/{DesiredSettingsParser.MaxQueueMbName}", s => s with { MaxQueueMb = maxQueue });
        if (d.QueueFull is { } policy)
            yield return ($"{DesiredSettingsParser.LimitsName}/{DesiredSettingsParser.QueueFullName}",
                s => s with { QueueFull = policy == "drop-oldest" ? QueueFullPolicy.DropOldest : QueueFullPolicy.Reject });
    }

    // EdgeSettings is a record, but its sensor list compares by reference.
    private static bool SameSettings(EdgeSettings a, EdgeSettings b) =>
        a with { Sensors = [] } == b with { Sensors = [] } && a.Sensors.Select(s => s.Text).SequenceEqual(b.Sensors.Select(s => s.Text));

    /// <summary>The configuration in force, in the twin's shape (so desired and reported read alike).</summary>
    public static JsonObject AppliedJson(EdgeSettings s) => new()
    {
        [DesiredSettingsParser.SensorsName] = new JsonArray([.. s.Sensors.Select(x => JsonValue.Create(x.Text))]),
        [DesiredSettingsParser.RateHzName] = s.Rate,
        [DesiredSettingsParser.BatchSizeName] = s.Batch,
        [DesiredSettingsParser.FlushIntervalMsName] = (long)s.FlushInterval.TotalMilliseconds,
        [DesiredSettingsParser.StreamName] = $"{s.Scope}/{s.Stream}",
        [DesiredSettingsParser.LimitsName] = new JsonObject
        {
            [DesiredSettingsParser.MaxQueueMbName] = s.MaxQueueMb,
            [DesiredSettingsParser.QueueFullName] = s.QueueFull == QueueFullPolicy.DropOldest ? "drop-oldest" : "reject",
        },
    };
}
