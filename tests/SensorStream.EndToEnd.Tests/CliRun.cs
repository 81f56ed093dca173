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

    private static Task<CliResult> RunDllAsync(string dll, TimeSpan timeout, string[] args, string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment) => StartDll(dll, timeout, args, workingDirectory, environment).Result;

    /// <summary>
    /// Starts the CLI in <paramref name="workingDirectory"/> without waiting for it: for a command that runs until it is
    /// signalled (<c>run</c> ended by SIGTERM as by Ctrl-C).
    /// </summary>
    public static CliProcess StartIn(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout,
        params string[] args) => StartDll(Repo.Dll("cli", "sensorstream"), timeout, args, workingDirectory, environment);

    private static CliProcess StartDll(string dll, TimeSpan timeout, string[] args, string? workingDirectory,
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
        var process = Process.Start(info)!;
        var pid = process.Id;
        return new CliProcess(pid, WaitAsync(process, $"{Path.GetFileName(dll)} {string.Join(' ', args)}", timeout));
    }

    /// <summary>Its result once it exited; on timeout kills it and throws with what it printed.</summary>
    private static async Task<CliResult> WaitAsync(Process process, string what, TimeSpan timeout)
    {
        using var _ = process;
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
            throw new TimeoutException($"{what} did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A CLI process started by <see cref="CliRun.StartIn"/>: its result when it exits, and SIGTERM for ending it.</summary>
public sealed class CliProcess(int pid, Task<CliResult> result)
{
    /// <summary>What it printed and its exit code, once it exited (or a TimeoutException after the start's timeout).</summary>
    public Task<CliResult> Result { get; } = result;

    public bool HasExited => Result.IsCompleted;

    /// <summary>SIGTERM, as a service manager or Ctrl-C ends it (no-op once it exited).</summary>
    public async Task TerminateAsync()
    {
        if (HasExited) return;
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }
}
