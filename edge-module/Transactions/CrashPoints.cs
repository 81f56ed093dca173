using System.Diagnostics;
using System.Globalization;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// Test-only crash injection from the environment: <c>SENSORSTREAM_CRASH_AT=after-pending</c> (or
/// <c>after-pending:3</c> for the third time that step is reached) makes the process SIGKILL itself right
/// there — exactly what kill -9 or a power cut does, with no finally blocks, flushes or disposals.
/// </summary>
public sealed class CrashPoints : ICoordinatorFaults
{
    public const string EnvironmentVariable = "SENSORSTREAM_CRASH_AT";

    private readonly CoordinatorStep _step;
    private readonly int _occurrence;
    private int _seen;

    private CrashPoints(CoordinatorStep step, int occurrence)
    {
        _step = step;
        _occurrence = occurrence;
    }

    /// <summary>The crash points the environment asks for, or <see cref="NoFaults"/>; throws on an unknown step name.</summary>
    public static ICoordinatorFaults FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text)) return NoFaults.Instance;
        var parts = text.Split(':');
        var name = parts[0].Replace("-", "", StringComparison.Ordinal);
        if (!Enum.TryParse<CoordinatorStep>(name, ignoreCase: true, out var step))
            throw new ArgumentException($"{EnvironmentVariable}='{text}': unknown step (known: {string.Join(", ", Enum.GetNames<CoordinatorStep>())})");
        var occurrence = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
        return new CrashPoints(step, occurrence);
    }

    public void At(CoordinatorStep step)
    {
        if (step != _step || Interlocked.Increment(ref _seen) != _occurrence) return;
        Console.Error.WriteLine($"{EnvironmentVariable}: killing the process at {step}");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite); // never continue past the crash point while the signal lands
    }
}
