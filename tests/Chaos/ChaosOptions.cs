using System.Globalization;
using SensorStream.Streams.Configuration;

namespace SensorStream.Chaos;

/// <summary>Command line of the chaos harness.</summary>
public sealed record ChaosOptions(TimeSpan Duration, int Seed, int Sensors, int RateHz, int Batch, TimeSpan MeanFaultInterval, string DataDir, bool KeepData, bool Plaintext)
{
    public const string Usage =
        "usage: SensorStream.Chaos [--duration 120s] [--seed N] [--sensors 3] [--rate 1000] [--batch 100] [--fault-every 5s] [--data-dir DIR] [--keep-data] [--plaintext] [--file-damage edge|edge,gateway] [--protocol extended|public]";

    /// <summary>
    /// <c>--file-damage</c>: the components whose files the seeded random file-damage faults hit while they are down
    /// (<c>edge</c>: the collector's queue; <c>gateway</c>: any file of its data directory). Empty (the default): no file damage.
    /// </summary>
    public IReadOnlySet<string> FileDamage { get; init; } = new HashSet<string>();

    /// <summary>
    /// <c>--protocol</c>: what the gateway serves (its <c>GATEWAY_PROTOCOL</c>). <c>public</c> makes it answer like a
    /// pravega-grpc-gateway, so the collector runs its public-protocol coordinator under every fault. Default <c>extended</c>.
    /// </summary>
    public string Protocol { get; init; } = "extended";

    public static ChaosOptions Parse(string[] args)
    {
        var duration = TimeSpan.FromSeconds(120);
        var seed = 1;
        var sensors = 3;
        var rate = 1000;
        var batch = 100;
        var every = TimeSpan.FromSeconds(5);
        string? dataDir = null;
        var keep = false;
        var plaintext = false;
        var damage = new HashSet<string>();
        var protocol = "extended";
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--duration": duration = Time(Value(), "--duration"); break;
                case "--seed": seed = Int(Value(), "--seed", int.MinValue); break;
                case "--sensors": sensors = Int(Value(), "--sensors", 1); break;
                case "--rate": rate = Int(Value(), "--rate", 1); break;
                case "--batch": batch = Int(Value(), "--batch", 1); break;
                case "--fault-every": every = Time(Value(), "--fault-every"); break;
                case "--data-dir": dataDir = Value(); break;
                case "--keep-data": keep = true; break;
                case "--plaintext": plaintext = true; break; // h2c without a token, to tell a TLS problem from another
                case "--file-damage":
                    foreach (var target in Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                        damage.Add(target is "edge" or "gateway" ? target : throw new ArgumentException($"--file-damage: '{target}' is not edge or gateway"));
                    break;

                case "--protocol":
                    var value = Value();
                    protocol = value is "extended" or "public" ? value : throw new ArgumentException($"--protocol: '{value}' is not extended or public");
                    break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        dataDir ??= Path.Combine(Path.GetTempPath(), $"sensorstream-chaos-{seed}-{Environment.ProcessId}");
        return new ChaosOptions(duration, seed, sensors, rate, batch, every, Path.GetFullPath(dataDir), keep, plaintext) { FileDamage = damage, Protocol = protocol };
    }

    private static TimeSpan Time(string text, string name) =>
        DurationText.TryParse(text, TimeSpan.FromSeconds(1), out var t) && t > TimeSpan.Zero ? t : throw new ArgumentException($"{name}: '{text}' is not a duration (e.g. 120s, 5m)");

    private static int Int(string text, string name, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n : throw new ArgumentException($"{name}: '{text}' must be an integer ≥ {min}");
}
