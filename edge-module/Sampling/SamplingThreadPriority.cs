using System.Runtime.InteropServices;

namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// Raises the calling thread's scheduling weight on Linux (nice −10 through setpriority on its thread id).
/// .NET ignores <see cref="ThreadPriority"/> there, and under CPU contention an ordinary-weight sampling thread
/// wakes up whole periods late. Best effort: without CAP_SYS_NICE the call fails and nothing changes.
/// SCHED_FIFO is deliberately not used: with the optional spin it risks real-time throttling stalls.
/// </summary>
internal static partial class SamplingThreadPriority
{
    private const int PrioProcess = 0;
    private const int Nice = -10;

    /// <summary>True when the priority was raised.</summary>
    public static bool TryRaise()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return SetPriority(PrioProcess, GetThreadId(), Nice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);
}
