using System.Diagnostics;
using System.Runtime.InteropServices;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Support;

/// <summary>
/// The real collector (<c>edge-module/bin/&lt;Configuration&gt;/net10.0/SensorStream.EdgeModule.dll</c>) as a child
/// process, so tests can SIGKILL it (kill -9, nothing runs) or SIGTERM it (clean shutdown) at chosen moments.
/// </summary>
public sealed partial class CollectorProcess : IDisposable
{
    private readonly Process _process;
    private readonly OutputTail _output = new(400);

    private CollectorProcess(Process process) => _process = process;

    public static string Dll
    {
        get
        {
            string[] configurations = RepoPaths.Configuration == "Release" ? ["Release", "Debug"] : ["Debug", "Release"];
            var candidates = configurations.Select(c => Path.Combine(RepoPaths.Root, "edge-module", "bin", c, "net10.0", "SensorStream.EdgeModule.dll")).ToList();
            return candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException("edge-module is not built: " + string.Join(", ", candidates));
        }
    }

    public static CollectorProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // Only what the test says: no SENSORSTREAM_* leaking in from the runner's environment.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("SENSORSTREAM_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = new Process { StartInfo = info };
        var collector = new CollectorProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) collector._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) collector._output.Add("[stderr] " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return collector;
    }

    public string Output => _output.ToString();

    public IReadOnlyList<string> OutputLines => _output.Lines;

    public bool HasExited => _process.HasExited;

    /// <summary>kill -9: the process dies at once, mid-whatever it was doing.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _ = SendSignal(_process.Id, 9);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) _ = SendSignal(_process.Id, 15);
        return await WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"collector did not exit within {timeout}. Output:{Environment.NewLine}{Output}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
