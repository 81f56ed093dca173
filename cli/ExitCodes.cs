namespace SensorStream.Cli;

/// <summary>
/// The one exit-code table of every `sensorstream` verb (documented in cli/README.md, "Exit codes").
/// </summary>
public static class ExitCodes
{
    /// <summary>Done, and every check passed.</summary>
    public const int Ok = 0;

    /// <summary>A check failed (a gap, a duplicate, exports incomplete) or what was asked for is not there (no such stream, nothing exported, nothing to plot).</summary>
    public const int CheckFailed = 1;

    /// <summary>Bad arguments: an unknown flag, a malformed value, a sensor spec that cannot work; nothing was started.</summary>
    public const int BadArguments = 2;

    /// <summary>Nothing to talk to: no run in the data folder and no earlier run's data, or a named service cannot be reached or refused the request.</summary>
    public const int Unavailable = 3;

    /// <summary>The data folder is in use by another `run` (or a follow-up verb); nothing was started.</summary>
    public const int DataFolderBusy = 4;

    /// <summary>A component (Azurite, gateway, cloud host, collector) did not start or stopped during the run; its log is named.</summary>
    public const int ComponentFailed = 5;

    /// <summary>An unexpected error: a bug; the message and the logs in the data folder help to report it.</summary>
    public const int Internal = 70;

    /// <summary>Stopped by Ctrl-C or SIGTERM before the verb finished (for `run`: a second Ctrl-C, which skips the summary; `tail`, which follows until stopped, ends with 0).</summary>
    public const int Interrupted = 130;
}
