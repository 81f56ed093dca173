using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SensorStream.EdgeModule.Configuration;

namespace SensorStream.EdgeModule.Tests.Configuration;

/// <summary>One fuzz case for the settings loader: a command line, an environment and the config file it may point to.</summary>
internal sealed record SettingsInputs(string[] Args, Hashtable Environment, string? ConfigFile);

/// <summary>
/// Generates command lines, environments and appsettings files for the loader's fuzz test: every setting of the
/// catalog with values valid, out of range, malformed, huge or multi-line; unknown and dangling flags; config files
/// that are valid, not JSON, of the wrong shape, missing or a directory. Mostly on top of a valid minimal command line,
/// so that many cases do load.
/// </summary>
internal sealed class RandomSettingsInputs(Random random, string directory)
{
    private static readonly string[] Minimal = ["--gateway", "http://127.0.0.1:5005", "--scope", "s", "--stream", "t", "--sensor", "synthetic:a"];
    private static readonly string[] Durations =
        ["250ms", "2s", "1.5m", "1h", "0", "10", "-5s", "1e300h", "1e15", "1e13", "9e14", "NaN", "soon", "5 s", "1e-9ms", "100000h", "24d"];
    private static readonly string[] Doubles = ["500", "1", "20000", "20001", "0", "-1", "0.5", "1e400", "NaN", "Infinity", "abc", "1e308", " 100 ", "1,5", "1_000"];
    private static readonly string[] Integers = ["100", "1", "0", "-1", "99", "65535", "2147483648", "99999999999", "abc", "1.5", "0x10", " 7 "];
    private static readonly string[] Names = ["s", "plant-1", "a/b", "a b", "..", "ümlaut", new('n', 300)];
    private static readonly string[] UnknownFlags = ["--rat", "-r", "rate", "--", "--=5", "", "--RATE", "--help-me", "x"];
    private static readonly string[] BrokenJson = ["{", "{ \"SensorStream\": ", "[1,2]", "", "null", "\"text\"", "{\"a\":1,\"A\":2}", "{\"SensorStream\":{\"Rate\":1,}}"];

    /// <summary>Values by setting key; a key not listed (paths, tokens, host names) gets any text.</summary>
    private static readonly Dictionary<string, string[]> Pools = new (string[] Keys, string[] Values)[]
    {
        (["Gateway"], ["http://127.0.0.1:5005", "https://gw.example:443", "ftp://x", "not a url", "http://", "127.0.0.1:5005", "http://[::1]:99999"]),
        (["Scope", "Stream"], Names),
        (["Sensors"], ["synthetic:b", "nic:eth0", "mpu6050:1:0x68", "lis3dh:1", "csv:/tmp/in", "csv:", "bad:x", "synthetic:", "mpu6050:x",
            "mpu6050:1:0x99", "adxl345:1", "synthetic:a:b", "synthetic:a", "mpu6050:99999999999"]),
        (["Rate", "MaxQueueMb"], Doubles),
        (["Batch", "RealtimePriority", "TxnMaxEvents", "MetricsPort"], Integers),
        (["QueueFull"], ["reject", "drop-oldest", "DropOldest", " REJECT ", "maybe", "drop_oldest"]),
        (["FlushInterval", "Spin", "TxnLease", "RetryMaxDelay", "ShutdownTimeout", "MetricsInterval", "CsvStableTime", "CsvPollInterval"], Durations),
    }.SelectMany(pool => pool.Keys.Select(key => (key, pool.Values))).ToDictionary();

    /// <summary>Any setting may get these: multi-line, NUL, huge, flag-like, paths of a directory and of real files.</summary>
    private readonly string[] _anyText =
    [
        "x", "", " ", "a\nb", "line\r\nbreak", "nul\u0000", new('z', 5000), "--rate", "ümlaut", "/nonexistent/file",
        directory, Write(directory, "token.txt", "secret-token\n"), Write(directory, "blank.txt", "  \n"),
    ];

    private int _files;

    public SettingsInputs Next()
    {
        var args = new List<string>();
        var environment = new Hashtable();
        string? config = null;
        if (random.Next(10) < 6) args.AddRange(Minimal);
        var changes = random.Next(0, 6);
        for (var i = 0; i < changes; i++)
        {
            switch (random.Next(14))
            {
                case < 8:
                    var setting = Pick(SettingsCatalog.All);
                    var value = Value(setting);
                    if (random.Next(3) == 0) args.Add($"{setting.Flag}={value}");
                    else args.AddRange([setting.Flag, value]);
                    break;
                case 8:
                    args.Add(Pick(UnknownFlags));
                    if (random.Next(2) == 0) args.Add("5");
                    break;
                case 9:
                    args.AddRange([SettingsLoader.ConfigFlag, config = ConfigFile()]);
                    break;
                case 10:
                    environment[SettingsLoader.ConfigEnvVar] = config ??= ConfigFile();
                    break;
                default:
                    var variable = Pick(SettingsCatalog.All);
                    environment[variable.EnvVar] = variable.IsList ? string.Join(Pick([",", ", ", ",,"]), Value(variable), Value(variable)) : Value(variable);
                    break;
            }
        }
        if (random.Next(12) == 0) args.Add(Pick(SettingsCatalog.All).Flag); // a flag without its value
        return new SettingsInputs([.. args], environment, config);
    }

    private string Value(SettingDefinition setting)
    {
        if (random.Next(4) == 0) return Pick(_anyText);
        return Pick(Pools.GetValueOrDefault(setting.Key, _anyText));
    }

    private string ConfigFile()
    {
        var name = $"config-{_files++}.json";
        switch (random.Next(12))
        {
            case 0: return Write(directory, name, Pick(BrokenJson));
            case 1:
                var bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
                File.WriteAllBytes(Path.Combine(directory, name), bytes);
                return Path.Combine(directory, name);
            case 2: return Path.Combine(directory, "missing-" + name);
            case 3: return directory;
            default:
                var section = new JsonObject();
                for (var i = random.Next(1, 6); i > 0; i--)
                {
                    var setting = Pick(SettingsCatalog.All);
                    var key = random.Next(5) == 0 ? setting.Key.ToLowerInvariant() : setting.Key;
                    section[key] = random.Next(6) switch
                    {
                        0 => new JsonArray(Value(setting), Value(setting)),
                        1 => new JsonObject { ["x"] = 1 },
                        2 when double.TryParse(Value(setting), CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => number,
                        3 => random.Next(2) == 0,
                        _ => Value(setting),
                    };
                }
                var root = random.Next(8) == 0 ? section : new JsonObject { [SettingDefinition.Section] = section };
                return Write(directory, name, root.ToJsonString());
        }
    }

    private static string Write(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text, Encoding.UTF8);
        return path;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
