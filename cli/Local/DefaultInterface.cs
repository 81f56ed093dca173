namespace SensorStream.Cli.Local;

/// <summary>The network interface of the default route (the one carrying "your" traffic), read from /proc/net/route.</summary>
public static class DefaultInterface
{
    public static string? Find(string procRoute = "/proc/net/route", string sysClassNet = "/sys/class/net")
    {
        if (File.Exists(procRoute))
        {
            foreach (var line in File.ReadLines(procRoute).Skip(1))
            {
                var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (fields.Length > 1 && fields[1] == "00000000") return fields[0];
            }
        }
        return Directory.Exists(sysClassNet)
            ? Directory.GetDirectories(sysClassNet).Select(Path.GetFileName).FirstOrDefault(n => n is not null and not "lo")
            : null;
    }
}
