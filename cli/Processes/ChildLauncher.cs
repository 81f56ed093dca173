using System.Collections.Concurrent;
using System.Diagnostics;

namespace SensorStream.Cli.Processes;

/// <summary>
/// Starts the local pipeline's components so that they never outlive the CLI. Each one runs as
/// <c>setsid setpriv --pdeathsig TERM -- PROGRAM ARGS…</c> (util-linux; both exec in place, so the pid is the component's):
/// <list type="bullet">
/// <item><c>setsid</c> gives it its own session, so a Ctrl-C in the terminal reaches only the CLI, which stops the
/// components in order (edge first, so it can flush);</item>
/// <item><c>setpriv --pdeathsig TERM</c> sets Linux's <c>PR_SET_PDEATHSIG</c> (prctl(2)): when the CLI dies in any
/// way — kill -9 included — the kernel sends the component SIGTERM, so no gateway or Azurite is left holding the data
/// folder. The signal follows the thread that forked the child, not the process (prctl(2)), so every component is
/// forked from one dedicated thread that lives as long as the CLI (a thread-pool thread may retire mid-run).</item>
/// </list>
/// Without setsid/setpriv (not Linux, or util-linux missing) the program is started directly.
/// </summary>
public static class ChildLauncher
{
    private const string SetSid = "/usr/bin/setsid";
    private const string SetPriv = "/usr/bin/setpriv";

    private static readonly BlockingCollection<Action> Work = new();
    private static readonly Lazy<Thread> Thread = new(() =>
    {
        var thread = new Thread(() => { foreach (var work in Work.GetConsumingEnumerable()) work(); })
        {
            IsBackground = true,
            Name = "sensorstream child launcher",
        };
        thread.Start();
        return thread;
    });

    /// <summary>The start info for <paramref name="fileName"/> <paramref name="args"/>, wrapped as the class summary says where the tools exist.</summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args)
    {
        var prefix = new List<string>();
        if (File.Exists(SetSid)) prefix.Add(SetSid);
        if (File.Exists(SetPriv)) prefix.AddRange([SetPriv, "--pdeathsig", "TERM", "--"]);
        var info = new ProcessStartInfo(prefix.Count > 0 ? prefix[0] : fileName);
        foreach (var a in prefix.Skip(1)) info.ArgumentList.Add(a);
        if (prefix.Count > 0) info.ArgumentList.Add(fileName);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>Starts <paramref name="process"/> on the launcher thread (see the class summary) and waits for that.</summary>
    /// <exception cref="InvalidOperationException">The program could not be started (message names it).</exception>
    public static void Start(Process process)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Thread.Value;
        Work.Add(() =>
        {
            try
            {
                process.Start();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        done.Task.GetAwaiter().GetResult();
    }
}
