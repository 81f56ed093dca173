namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it, with a deadline: the tests' only way to wait.</summary>
public static class Poll
{
    /// <summary>Generous: CI runs every test on a loaded 2-core machine; a passing wait returns as soon as its condition holds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
