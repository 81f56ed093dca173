using System.Diagnostics;
using System.Globalization;

namespace SensorStream.Benchmarks.Gateway;

/// <summary>
/// CPU time used by a process (Linux /proc; zero elsewhere): on a shared 2-core machine, CPU per transaction says more
/// about the gateway's cost than wall-clock throughput, which other work on the machine skews.
/// </summary>
public static class ProcessCpu
{
    public static TimeSpan Of(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return TimeSpan.Zero;
        // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15 (clock ticks, 100 Hz here).
        var fields = File.ReadAllText(stat).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public static TimeSpan OfThisProcess() => Process.GetCurrentProcess().TotalProcessorTime;
}
