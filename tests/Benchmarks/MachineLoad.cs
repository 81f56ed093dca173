namespace SensorStream.Benchmarks;

/// <summary>How busy the machine is: printed with every benchmark, since other work skews both sides of a ratio.</summary>
internal static class MachineLoad
{
    /// <summary>The 1-, 5- and 15-minute load averages from <c>/proc/loadavg</c> (Linux, proc(5)), or "n/a" elsewhere.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";
}
