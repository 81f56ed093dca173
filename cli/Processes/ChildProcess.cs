using System.Diagnostics;

namespace SensorStream.Cli.Processes;

/// <summary>
/// A component of the local pipeline run as a real process (started by <see cref="ChildLauncher"/>, so it dies with
/// the CLI): output goes to a log file (and the last lines are kept for error messages); stopping sends SIGTERM first
/// so the component can flush, then SIGKILL after a grace period.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
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

    /// <summary>
    /// Starts <paramref name="fileName"/> through <see cref="ChildLauncher"/> (own session; SIGTERM when the CLI dies).
    /// <paramref name="dataFolder"/> is the folder the component keeps its data in: when it exits while starting, a
    /// leftover process still using that folder is named in the message (<see cref="ExitedWhileStarting"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The program could not be started.</exception>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, string logDirectory,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, string? dataFolder = null)
    {
        Directory.CreateDirectory(logDirectory);
        var logFile = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var info = ChildLauncher.StartInfo(fileName, args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory;
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log, logFile) { DataFolder = dataFolder };
        process.OutputDataReceived += (_, e) => child.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => child.Capture(e.Data);
        try
        {
            ChildLauncher.Start(process);
        }
        catch (Exception e)
        {
            log.Dispose();
            throw new InvalidOperationException($"could not start {name} ({fileName}): {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The folder the component keeps its data in (null when it has none of its own).</summary>
    public string? DataFolder { get; private init; }

    /// <summary>
    /// The message for a component that exited before it was ready, once all it printed has been read: the first line
    /// names it, its exit code, its last output line (often the reason, e.g. a gateway's "error: … is in use") and, when
    /// a leftover process still uses its data folder, that process and what to do; the log file and the last output follow.
    /// </summary>
    public string ExitedWhileStarting()
    {
        _process.WaitForExit(); // with redirected output: returns once stdout and stderr are read to their end
        string output, reason;
        lock (_gate)
        {
            output = string.Join(Environment.NewLine, _tail);
            reason = _tail.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim() ?? "it printed nothing";
        }
        var leftovers = DataFolder is null ? [] : Leftovers.Inside(DataFolder);
        var held = leftovers.Count == 0 ? ""
            : $"; {DataFolder} is still used by {string.Join(", ", leftovers)}, {Leftovers.Advice(leftovers)}";
        return $"{Name} exited with code {_process.ExitCode} while starting: {reason}{held} (log: {LogFile})" +
               (output.Length > 0 ? Environment.NewLine + output : "");
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
