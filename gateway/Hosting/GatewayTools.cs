using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// The gateway's maintenance verbs (run on the data directory of a stopped gateway):
/// <c>gateway verify &lt;data-dir&gt;</c> — scan every file, print damage with file and byte offset; exit 0 when intact,
/// 3 when damaged. <c>gateway salvage &lt;data-dir&gt; &lt;new-dir&gt;</c> — copy what is provably intact into a new data
/// directory and print exactly what was lost; exit 0 when nothing was lost, 3 when something was. Usage errors exit 2;
/// a data directory in use (a running gateway, or another verify/salvage holds its <see cref="DataDirectoryLock"/>) exits 4.
/// </summary>
public static class GatewayTools
{
    /// <summary>True when the first argument is one of the verbs.</summary>
    public static bool IsTool(string[] args) => args.Length > 0 && args[0] is "verify" or "salvage";

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            switch (args[0])
            {
                case "verify" when args.Length == 2:
                {
                    using var held = DataDirectoryLock.Take(Path.GetFullPath(args[1]));
                    var (findings, streams) = StoreVerifier.Verify(Path.GetFullPath(args[1]));
                    foreach (var finding in findings) output.WriteLine(finding);
                    var damaged = findings.Count(f => f.IsDamage);
                    output.WriteLine(damaged == 0
                        ? $"ok: {streams} stream(s) intact"
                        : $"damaged: {damaged} place(s) in {findings.Where(f => f.IsDamage).Select(f => f.Stream).Distinct().Count()} of {streams} stream(s); the gateway refuses to start on damaged journal, commit log or state files, and serves a damaged segment up to the damage, answering DATA_LOSS beyond it (see gateway salvage)");
                    return damaged == 0 ? 0 : 3;
                }
                case "salvage" when args.Length == 3:
                {
                    using var held = DataDirectoryLock.Take(Path.GetFullPath(args[1]));
                    var (report, lost) = StoreSalvager.Salvage(Path.GetFullPath(args[1]), Path.GetFullPath(args[2]));
                    foreach (var line in report) output.WriteLine(line);
                    output.WriteLine(lost ? $"salvaged into {args[2]} WITH LOSSES (listed above)" : $"salvaged into {args[2]}: nothing lost");
                    return lost ? 3 : 0;
                }
                default:
                    error.WriteLine("error: usage: gateway verify <data-dir> | gateway salvage <data-dir> <new-dir>");
                    return 2;
            }
        }
        catch (DataDirectoryInUseException e)
        {
            error.WriteLine("error: " + e.Message);
            return DataDirectoryInUseException.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + e.Message);
            return 2;
        }
    }
}
