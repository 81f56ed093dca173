using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Sampling;

/// <summary>The log lines of failed and resumed reads, the same for the polling and the hardware-timed samplers.</summary>
public sealed class ReadFailureLogTests
{
    [Fact]
    public void An_unavailable_sensor_logs_once_when_it_goes_and_once_when_it_returns()
    {
        var log = new TestLogger();
        var stats = new SensorStats("s");
        var failures = new ReadFailureLog(stats, log);

        for (var i = 0; i < 1000; i++) failures.Failed(new SensorUnavailableException("gone"));
        failures.Succeeded();
        failures.Succeeded();
        for (var i = 0; i < 5; i++) failures.Failed(new SensorUnavailableException("gone again"));
        failures.Succeeded();

        Assert.Equal(1005, stats.ReadErrors);
        Assert.Equal(
        [
            "Warning: Sensor s unavailable: gone; its failed reads are counted until it returns",
            "Information: Sensor s available again after 1000 failed reads",
            "Warning: Sensor s unavailable: gone again; its failed reads are counted until it returns",
            "Information: Sensor s available again after 5 failed reads",
        ], log.Lines);
    }

    [Fact]
    public void Other_failures_log_at_powers_of_two_and_good_reads_between_them_log_nothing()
    {
        var log = new TestLogger();
        var stats = new SensorStats("s");
        var failures = new ReadFailureLog(stats, log);

        for (var i = 0; i < 20; i++)
        {
            failures.Failed(new IOException("bus error"));
            failures.Succeeded();
        }

        Assert.Equal(20, stats.ReadErrors);
        Assert.Equal(
            new[] { 1, 2, 4, 8, 16 }.Select(n => $"Warning: Sensor s read failed ({n} failures so far): bus error"),
            log.Lines);
    }
}
