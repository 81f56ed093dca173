using System.Text.Json;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// Validates the module twin's desired properties into <see cref="DesiredSettings"/>. Each bad or unknown
/// property is refused on its own, with a reason under its name, and keeps its previously accepted value, so one
/// typo in the cloud never stops a running collector or resets the rest of its configuration.
/// </summary>
public static class DesiredSettingsParser
{
    public const string SensorsName = "sensors";
    public const string RateHzName = "rateHz";
    public const string BatchSizeName = "batchSize";
    public const string FlushIntervalMsName = "flushIntervalMs";
    public const string StreamName = "stream";
    public const string LimitsName = "limits";
    public const string MaxQueueMbName = "maxQueueMb";
    public const string QueueFullName = "queueFull";
    public const string HealthIntervalSecondsName = "healthIntervalSeconds";

    /// <summary>Bounds, types and choices come from the shared model: the collector's definition of each property.</summary>
    private static readonly SettingsGroup Model = CollectorSettings.Group;

    public static readonly IReadOnlyList<string> QueueFullPolicies = Model["QueueFull"].Choices;

    /// <summary>Every property path this parser accepts (nested ones as <c>parent/child</c>).</summary>
    public static readonly IReadOnlyList<string> KnownProperties = Model.All.Select(s => s.TwinPath).OfType<string>().Distinct().ToArray();

    /// <param name="desired">The whole desired-properties document (metadata members starting with <c>$</c> are skipped).</param>
    /// <param name="previous">The settings accepted before, kept for properties refused now.</param>
    public static (DesiredSettings Settings, Dictionary<string, string> Errors) Parse(JsonElement desired, DesiredSettings? previous = null)
    {
        previous ??= new DesiredSettings();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new DesiredSettings();
        if (desired.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = "desired properties are not a JSON object";
            return (previous, errors);
        }

        foreach (var property in desired.EnumerateObject())
        {
            var value = property.Value;
            // Twin metadata ($version, $metadata) is not configuration; a null is a deleted property.
            if (property.Name.StartsWith('$') || value.ValueKind == JsonValueKind.Null) continue;
            switch (property.Name)
            {
                case SensorsName:
                    settings = Take(settings, previous, errors, SensorsName, ParseSensors(value), (s, v) => s with { Sensors = v }, p => p.Sensors);
                    break;
                case RateHzName:
                    settings = Take(settings, previous, errors, RateHzName, ParseRate(value), (s, v) => s with { RateHz = v }, p => p.RateHz);
                    break;
                case BatchSizeName:
                    settings = Take(settings, previous, errors, BatchSizeName, ParseInt(value, Model.ByTwinPath(BatchSizeName)!), (s, v) => s with { BatchSize = v }, p => p.BatchSize);
                    break;
                case FlushIntervalMsName:
                    settings = Take(settings, previous, errors, FlushIntervalMsName, ParseInt(value, Model.ByTwinPath(FlushIntervalMsName)!), (s, v) => s with { FlushIntervalMs = v }, p => p.FlushIntervalMs);
                    break;
                case StreamName:
                    settings = Take(settings, previous, errors, StreamName, ParseStream(value), (s, v) => s with { Stream = v }, p => p.Stream);
                    break;
                case HealthIntervalSecondsName:
                    settings = Take(settings, previous, errors, HealthIntervalSecondsName, ParseInt(value, Model.ByTwinPath(HealthIntervalSecondsName)!), (s, v) => s with { HealthIntervalSeconds = v }, p => p.HealthIntervalSeconds);
                    break;
                case LimitsName:
                    settings = ParseLimits(value, settings, previous, errors);
                    break;
                default:
                    settings = Unknown(settings, errors, property.Name);
                    break;
            }
        }
        return (settings, errors);
    }

    private static DesiredSettings ParseLimits(JsonElement value, DesiredSettings settings, DesiredSettings previous, Dictionary<string, string> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors[LimitsName] = "must be an object";
            return settings with { MaxQueueMb = previous.MaxQueueMb, QueueFull = previous.QueueFull };
        }
        foreach (var limit in value.EnumerateObject())
        {
            if (limit.Name.StartsWith('$') || limit.Value.ValueKind == JsonValueKind.Null) continue;
            var path = $"{LimitsName}/{limit.Name}";
            settings = limit.Name switch
            {
                MaxQueueMbName => Take(settings, previous, errors, path, ParseQueueMb(limit.Value), (s, v) => s with { MaxQueueMb = v }, p => p.MaxQueueMb),
                QueueFullName => Take(settings, previous, errors, path, ParseQueueFull(limit.Value), (s, v) => s with { QueueFull = v }, p => p.QueueFull),
                _ => Unknown(settings, errors, path),
            };
        }
        return settings;
    }

    private static DesiredSettings Unknown(DesiredSettings settings, Dictionary<string, string> errors, string path)
    {
        errors[path] = "unknown property (known: " + string.Join(", ", KnownProperties) + ")";
        return settings;
    }

    private static DesiredSettings Take<T>(DesiredSettings settings, DesiredSettings previous, Dictionary<string, string> errors, string path,
        Result<T> parsed, Func<DesiredSettings, T?, DesiredSettings> set, Func<DesiredSettings, T?> old)
    {
        if (parsed.Error is null) return set(settings, parsed.Value);
        errors[path] = parsed.Error;
        return set(settings, old(previous));
    }

    private readonly record struct Result<T>(T? Value, string? Error)
    {
        public static implicit operator Result<T>(T value) => new(value, null);
        public static Result<T> Fail(string error) => new(default, error);
    }

    private static Result<IReadOnlyList<string>> ParseSensors(JsonElement value)
    {
        // An array, or a comma-separated string (as in SENSORSTREAM_SENSORS) for tools that cannot send twin arrays.
        IEnumerable<string> texts;
        if (value.ValueKind == JsonValueKind.String)
        {
            texts = value.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            if (value.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String)) return Result<IReadOnlyList<string>>.Fail("every entry must be a string");
            texts = value.EnumerateArray().Select(i => i.GetString()!.Trim());
        }
        else
        {
            return Result<IReadOnlyList<string>>.Fail("must be an array of sensor specs like \"nic:eth0\" (or one comma-separated string)");
        }
        var specs = new List<string>();
        foreach (var spec in texts)
        {
            var colon = spec.IndexOf(':');
            if (colon <= 0 || colon == spec.Length - 1) return Result<IReadOnlyList<string>>.Fail($"'{spec}' is not kind:arguments");
            if (specs.Contains(spec, StringComparer.OrdinalIgnoreCase)) return Result<IReadOnlyList<string>>.Fail($"'{spec}' is listed twice");
            specs.Add(spec);
        }
        if (specs.Count == 0) return Result<IReadOnlyList<string>>.Fail("must list at least one sensor");
        if (Model["Sensors"].Problem(specs) is not null) return Result<IReadOnlyList<string>>.Fail($"at most {Model["Sensors"].Max} sensors");
        return new Result<IReadOnlyList<string>>(specs, null);
    }

    private static Result<double?> ParseRate(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var rate)) return Result<double?>.Fail("must be a number");
        return Model["Rate"].Problem(rate) is { } problem ? Result<double?>.Fail(problem) : rate;
    }

    /// <summary>A whole number in the twin's unit (<see cref="Setting.TwinUnit"/> for a duration), bounds from the model in that unit.</summary>
    private static Result<int?> ParseInt(JsonElement value, Setting setting)
    {
        var scale = setting.TwinUnit is { } unit ? unit.TotalMilliseconds : 1;
        var (min, max) = (setting.Min / scale, setting.Max / scale);
        var unitName = setting.TwinUnit is { } u ? (u == TimeSpan.FromSeconds(1) ? "s" : "ms") : setting.Unit;
        if (value.ValueKind != JsonValueKind.Number) return Result<int?>.Fail("must be an integer");
        // A whole number too big for an int (1e10) is out of range, not "not an integer".
        if (!value.TryGetInt32(out var number))
            return value.TryGetDouble(out var whole) && double.IsInteger(whole) && Setting.RangeProblem(whole, Setting.Number, min, max, unitName) is { } range
                ? Result<int?>.Fail(range) : Result<int?>.Fail("must be an integer");
        return Setting.RangeProblem(number, Setting.Number, min, max, unitName) is { } problem ? Result<int?>.Fail(problem) : number;
    }

    private static Result<double?> ParseQueueMb(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var mb)) return Result<double?>.Fail("must be a number of MiB");
        return Model["MaxQueueMb"].Problem(mb) is { } problem ? Result<double?>.Fail(problem) : mb;
    }

    private static Result<string> ParseQueueFull(JsonElement value)
    {
        try
        {
            return (string)Model["QueueFull"].Parse(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
        }
        catch (FormatException e)
        {
            return Result<string>.Fail(e.Message);
        }
    }

    private static Result<string> ParseStream(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) return Result<string>.Fail("must be a string 'scope/stream'");
        try
        {
            return Streams.Naming.StreamName.Parse(value.GetString()!).ToString();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return Result<string>.Fail(e.Message);
        }
    }
}
