using SensorStream.Streams.Configuration;

namespace SensorStream.Cli.Local;

/// <summary>
/// Checks `run`'s <c>--sensor</c> specs on this machine before anything starts: a known kind
/// (<see cref="SensorKinds"/>), its arguments, and that the device or folder it names exists
/// (<c>/sys/class/net/&lt;if&gt;</c>, <c>/dev/i2c-&lt;bus&gt;</c>, <c>/sys/bus/iio/devices</c>, the CSV folder). Syntax and
/// refusals come from the kind's descriptor. The collector checks again, fully, when it starts.
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
            var kind = colon > 0 ? SensorKinds.Find(spec[..colon]) : null;
            var arguments = colon > 0 ? spec[(colon + 1)..] : "";
            if (kind is null || arguments.Length == 0)
                return $"--sensor: '{spec}' is not a sensor spec: expected kind:arguments with kind one of {string.Join(", ", CollectorLimits.SensorKinds)}";
            var parts = kind.SplitArguments(arguments);
            var problem = kind switch
            {
                { Timing: SensorTiming.Unavailable } => kind.Refusal,
                { Timing: SensorTiming.Imported } => Directory.Exists(arguments) ? null : $"the folder '{arguments}' does not exist",
                { IsI2c: true } => parts.Count > kind.MaxI2cArguments ? $"expected {kind.Syntax}"
                    : File.Exists(Path.Combine(dev, $"i2c-{parts[0]}")) ? null : $"no I2C bus {Path.Combine(dev, $"i2c-{parts[0]}")} here",
                _ when kind == SensorKinds.Synthetic => parts.Count != 1 ? $"expected {kind.Syntax}" : null,
                _ when kind == SensorKinds.Nic => parts.Count > 2 || parts[0].Contains('/') || (parts.Count == 2 && parts[1] is not ("32" or "64"))
                    ? $"expected {kind.Syntax}"
                    : Directory.Exists(Path.Combine(sysfs, "class", "net", parts[0])) ? null
                    : $"no network interface '{parts[0]}' here (have: {string.Join(", ", Interfaces(sysfs))}); `run` refuses it so a typo fails " +
                      "fast (the collector started on its own treats an absent interface as a sensor state and keeps looking)",
                _ when kind == SensorKinds.Iio => parts.Count > 3 ? $"expected {kind.Syntax}"
                    : Directory.Exists(Path.Combine(sysfs, "bus", "iio", "devices")) ? null : $"no IIO devices here ({Path.Combine(sysfs, "bus", "iio", "devices")} does not exist)",
                _ => null,
            };
            if (problem is not null) return $"--sensor: '{spec}': {problem}";
            if (!ids.Add($"{kind.Name}:{arguments}")) return $"--sensor: '{spec}' is given twice";
        }
        return null;
    }

    private static IEnumerable<string> Interfaces(string sysfs)
    {
        var net = Path.Combine(sysfs, "class", "net");
        return Directory.Exists(net) ? Directory.GetDirectories(net).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal) : [];
    }
}
