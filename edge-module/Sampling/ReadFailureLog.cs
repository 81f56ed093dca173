using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Sensors;

namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// What one sensor's failed and resumed reads write to the log, the same for every sampling loop (<see cref="Sampler"/>,
/// <see cref="BufferedSampler"/>). Every failure is counted in <see cref="SensorStats.ReadErrors"/>; the log gets:
/// <list type="bullet">
/// <item>a sensor that is unavailable (<see cref="SensorUnavailableException"/>: a state, e.g. an interface that vanished) —
/// one warning when it goes away and one line, with the number of reads that failed meanwhile, when a read succeeds
/// again;</item>
/// <item>any other read failure — a warning at the sensor's 1st, 2nd, 4th, 8th… failure (a flaky bus stays visible
/// without flooding the log at 1 kHz, and its good reads in between log nothing).</item>
/// </list>
/// Not thread-safe: one instance per sensor, used by the loop that reads it.
/// </summary>
public sealed class ReadFailureLog(SensorStats stats, ILogger log)
{
    /// <summary>The read error count when the sensor became unavailable, or -1 while it is available.</summary>
    private long _unavailableSince = -1;

    /// <summary>Counts a failed read and logs it by the rules above.</summary>
    public void Failed(Exception error)
    {
        stats.AddReadError();
        var n = stats.ReadErrors;
        if (error is SensorUnavailableException)
        {
            if (_unavailableSince >= 0) return;
            _unavailableSince = n - 1;
            log.LogWarning("Sensor {Sensor} unavailable: {Error}; its failed reads are counted until it returns", stats.SensorId, error.Message);
            return;
        }
        if ((n & (n - 1)) == 0)
            log.LogWarning("Sensor {Sensor} read failed ({Count} failures so far): {Error}", stats.SensorId, n, error.Message);
    }

    /// <summary>Notes a successful read; after the sensor was unavailable, logs once that it is read again.</summary>
    public void Succeeded()
    {
        if (_unavailableSince < 0) return;
        log.LogInformation("Sensor {Sensor} available again after {Count} failed reads", stats.SensorId, stats.ReadErrors - _unavailableSince);
        _unavailableSince = -1;
    }
}
