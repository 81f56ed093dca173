using SensorStream.Streams.Configuration;

namespace SensorStream.Cli.Local;

/// <summary>
/// Checks `run`'s <c>--sensor</c> specs on this machine before anything starts: a known kind
/// (<see cref="CollectorLimits.SensorKinds"/>), its arguments, and that the device or folder it names exists
/// (<c>/sys/class/net/&lt;if&gt;</c>, <c>/dev/i2c-&lt;bus&gt;</c>, the CSV folder). The collector checks again when it starts.
/// </summary>
public static class SensorPreflight
{
    /// <summary>Null when every spec can work here, else one line naming the first one that cannot.</summary>
    public static string? Check(IEnumerable<string> specs, string sysfs = "/sys", string dev = "/dev")
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var colon = spec.IndexOf(':');
            var kind = colon > 0 ? spec[..colon].Trim().ToLowerInvariant() : "";
            var arguments = colon > 0 ? spec[(colon + 1)..] : "";
            if (!CollectorLimits.SensorKinds.Contains(kind) || arguments.Length == 0)
                return $"--sensor: '{spec}' is not a sensor spec: expected kind:arguments with kind one of {string.Join(", ", CollectorLimits.SensorKinds)}";
            var problem = kind switch
            {
                "synthetic" => arguments.Contains(':') ? "expected synthetic:<id>" : null,
                "nic" => arguments.Contains(':') || arguments.Contains('/') ? "expected nic:<interface>"
                    : Directory.Exists(Path.Combine(sysfs, "class", "net", arguments)) ? null
                    : $"no network interface '{arguments}' here (have: {string.Join(", ", Interfaces(sysfs))})",
                "csv" => Directory.Exists(arguments) ? null : $"the folder '{arguments}' does not exist",
                "adxl345" => "the ADXL345 is SPI-only; use mpu6050:<bus>[:<address>] or lis3dh:<bus>[:<address>]",
                _ => File.Exists(Path.Combine(dev, $"i2c-{arguments.Split(':')[0]}")) ? null
                    : $"no I2C bus {Path.Combine(dev, $"i2c-{arguments.Split(':')[0]}")} here",
            };
            if (problem is not null) return $"--sensor: '{spec}': {problem}";
            if (!ids.Add($"{kind}:{arguments}")) return $"--sensor: '{spec}' is given twice";
        }
        return null;
    }

    private static IEnumerable<string> Interfaces(string sysfs)
    {
        var net = Path.Combine(sysfs, "class", "net");
        return Directory.Exists(net) ? Directory.GetDirectories(net).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal) : [];
    }
}
