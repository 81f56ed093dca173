using System.Diagnostics;
using SensorStream.Testing;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary><c>dotnet functions/bin/…/SensorStream.Functions.dll local</c> as a child process, configured by environment.</summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private LocalHostProcess(IReadOnlyDictionary<string, string> environment)
    {
        var dll = Path.Combine(RepoPaths.Root, "functions", "bin", RepoPaths.Configuration, "net10.0", "SensorStream.Functions.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("functions is not built", dll);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("local");
        foreach (var (k, v) in environment) info.Environment[k] = v;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static LocalHostProcess Start(IReadOnlyDictionary<string, string> environment) => new(environment);

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output.TakeLast(40));
        }
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
