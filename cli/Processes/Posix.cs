using System.Runtime.InteropServices;

namespace SensorStream.Cli.Processes;

/// <summary>The one POSIX call .NET's Process lacks: a polite SIGTERM (Process.Kill is SIGKILL).</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
