using System.Globalization;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>Command lines for the collector child process.</summary>
internal static class EdgeArgs
{
    public static readonly string[] TwoSensors = ["a", "b"];

    public static List<string> For(Uri gateway, string stream, string db, int batch = 100, int txnMaxEvents = 5, params string[] extra)
    {
        var args = new List<string>
        {
            "--gateway", gateway.ToString(), "--scope", "edge", "--stream", stream, "--db", db,
            "--rate", "1000", "--batch", batch.ToString(CultureInfo.InvariantCulture),
            "--txn-max-events", txnMaxEvents.ToString(CultureInfo.InvariantCulture),
            "--retry-max-delay", "500ms", "--metrics-interval", "0",
            // Public protocol: a range found absent by a read-back is rewritten 4 s after its record at the earliest.
            "--outcome-window", "4s",
        };
        foreach (var s in TwoSensors) args.AddRange(["--sensor", $"synthetic:{s}"]);
        args.AddRange(extra);
        return args;
    }
}
