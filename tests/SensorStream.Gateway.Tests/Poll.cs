using System.Diagnostics;

namespace SensorStream.Gateway.Tests;

/// <summary>Waits for a condition by polling it, with a deadline (never a fixed sleep standing in for synchronization).</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > timeout) throw new TimeoutException($"{what}: still {value} after {timeout}");
            await Task.Delay(20);
        }
    }
}
