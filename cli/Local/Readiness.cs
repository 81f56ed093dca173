using SensorStream.Cli.Processes;

namespace SensorStream.Cli.Local;

/// <summary>Polls a component until it answers, failing early (with its output) if its process dies.</summary>
public static class Readiness
{
    public static async Task WaitAsync(ChildProcess process, Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw new InvalidOperationException(process.ExitedWhileStarting());
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                if (await probe(attempt.Token)) return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                last = e;
            }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"{process.Name} did not become ready within {timeout.TotalSeconds:0} s " +
                                   $"(last error: {last?.Message ?? "none"}); see {process.LogFile}\n{process.RecentOutput}");
    }
}
