using System.Diagnostics;

namespace SensorStream.Testing;

/// <summary>Waits for a condition by polling it, failing with a description after a timeout (never a bare sleep).</summary>
public static class Poll
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct = default) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, ct);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(20);
        while (!await condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250)); // quick when it is quick, cheap when it is slow
        }
    }
}
