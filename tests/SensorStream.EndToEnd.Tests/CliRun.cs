using System.Diagnostics;

namespace SensorStream.EndToEnd.Tests;

/// <summary>Runs the real `sensorstream` CLI as a process and captures what it prints.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public string All => StdOut + StdErr;
}

public static class CliRun
{
    public static Task<CliResult> RunAsync(TimeSpan timeout, params string[] args) => RunDllAsync(Repo.Dll("cli", "sensorstream"), timeout, args);

    /// <summary>Runs any built component (<c>dotnet DLL args…</c>); on timeout kills it and throws with what it printed.</summary>
    public static async Task<CliResult> RunDllAsync(string dll, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
