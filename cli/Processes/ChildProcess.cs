using System.Diagnostics;

namespace SensorStream.Cli.Processes;

/// <summary>
/// A component of the local pipeline run as a real process: output goes to a log file (and the last lines are
/// kept for error messages); stopping sends SIGTERM first so the component can flush, then SIGKILL after a grace period.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const string SetSid = "/usr/bin/setsid";
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly HashSet<string> _seen = [];
    private readonly object _gate = new();

    public string Name { get; }

    public string LogFile { get; }

    private ChildProcess(string name, Process process, StreamWriter log, string logFile)
    {
        Name = name;
        _process = process;
        _log = log;
        LogFile = logFile;
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, string logDirectory,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        Directory.CreateDirectory(logDirectory);
        var logFile = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        // Each component gets its own session (setsid), so a Ctrl-C in the terminal reaches only the CLI, which then
        // stops the components in the right order (edge first, so it can flush) instead of all at once.
        var detach = File.Exists(SetSid);
        var info = new ProcessStartInfo(detach ? SetSid : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (detach) info.ArgumentList.Add(fileName);
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log, logFile);
        process.OutputDataReceived += (_, e) => child.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => child.Capture(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"could not start {name} ({fileName}): {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Capture(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _log.WriteLine(line);
            _tail.Enqueue(line);
            while (_tail.Count > 30) _tail.Dequeue();
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string RecentOutput
    {
        get { lock (_gate) return string.Join(Environment.NewLine, _tail); }
    }

    /// <summary>Whether any output line so far contains <paramref name="text"/> (remembered, so it survives the tail rolling on).</summary>
    public bool Printed(string text)
    {
        lock (_gate)
        {
            if (_seen.Contains(text)) return true;
            if (!_tail.Any(l => l.Contains(text, StringComparison.OrdinalIgnoreCase))) return false;
            _seen.Add(text);
            return true;
        }
    }

    /// <summary>SIGKILL now (no flush): a crash or a power cut.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        Capture($"[sensorstream] {Name} killed with SIGKILL");
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        Posix.Kill(_process.Id, Posix.SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Capture($"[sensorstream] {Name} did not stop within {grace.TotalSeconds:0} s of SIGTERM; killing it");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_gate) _log.Dispose();
    }
}
