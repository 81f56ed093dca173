using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// CLOCK_MONOTONIC in nanoseconds and an absolute-deadline sleep on it. .NET timers follow the 4 ms kernel
/// tick here (HZ=250), so 1 kHz needs clock_nanosleep(TIMER_ABSTIME): sleeping until an absolute deadline
/// also means the schedule never drifts, whatever a single wake-up costs.
/// </summary>
internal static partial class MonotonicClock
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;
    private const int Eintr = 4;

    // Stopwatch ticks are CLOCK_MONOTONIC nanoseconds on Linux; the scale keeps other platforms correct.
    private static readonly double NanosPerTick = 1e9 / Stopwatch.Frequency;

    public static long NowNanos() =>
        Stopwatch.Frequency == 1_000_000_000 ? Stopwatch.GetTimestamp() : (long)(Stopwatch.GetTimestamp() * NanosPerTick);

    /// <summary>Wall-clock time now in Unix-epoch nanoseconds (UTC, 100 ns resolution of <see cref="DateTime"/>); not monotonic.</summary>
    public static long UnixNowNanos() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    /// <summary>Nanoseconds to add to <see cref="NowNanos"/> to get Unix-epoch nanoseconds (fixed per run: timestamps stay monotonic).</summary>
    public static long EpochOffsetNanos() => UnixNowNanos() - NowNanos();

    /// <summary>Sleeps until <paramref name="deadlineNanos"/>; optionally spins the last <paramref name="spinNanos"/> for precision.</summary>
    public static void SleepUntil(long deadlineNanos, long spinNanos = 0)
    {
        var wakeAt = deadlineNanos - spinNanos;
        if (OperatingSystem.IsLinux())
        {
            var ts = new Timespec { Seconds = wakeAt / 1_000_000_000, Nanoseconds = wakeAt % 1_000_000_000 };
            while (ClockNanosleep(ClockMonotonic, TimerAbsolute, in ts, 0) == Eintr) { }
        }
        else
        {
            var remaining = wakeAt - NowNanos();
            if (remaining > 0) Thread.Sleep(TimeSpan.FromTicks(remaining / 100));
        }
        while (spinNanos > 0 && NowNanos() < deadlineNanos) Thread.SpinWait(20);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // Returns the error number directly (0 on success), not through errno.
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in Timespec request, nint remaining);
}
