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

    /// <summary>The CLI in <paramref name="workingDirectory"/> with extra <paramref name="environment"/> variables.</summary>
    public static Task<CliResult> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout,
        params string[] args) => RunDllAsync(Repo.Dll("cli", "sensorstream"), timeout, args, workingDirectory, environment);

    /// <summary>Runs any built component (<c>dotnet DLL args…</c>); on timeout kills it and throws with what it printed.</summary>
    public static Task<CliResult> RunDllAsync(string dll, TimeSpan timeout, params string[] args) => RunDllAsync(dll, timeout, args, null, null);

    private static async Task<CliResult> RunDllAsync(string dll, TimeSpan timeout, string[] args, string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
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
