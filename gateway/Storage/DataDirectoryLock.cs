namespace SensorStream.Gateway.Storage;

/// <summary>
/// One user of a gateway data directory at a time: the gateway for its whole life, <c>gateway verify</c> and
/// <c>gateway salvage</c> while they read it. The lock is an exclusive <c>flock</c> on <c>&lt;data-dir&gt;/gateway.lock</c>
/// (what .NET's <see cref="FileShare.None"/> takes on Unix), released by the kernel even when the holder is killed, so
/// there is never a stale lock. Never waits.
/// </summary>
public static class DataDirectoryLock
{
    /// <summary>The lock file's name in the data directory.</summary>
    public const string FileName = "gateway.lock";

    /// <summary>
    /// Takes the lock of <paramref name="dataDirectory"/> (the file is created if missing); dispose the result to release
    /// it. Throws <see cref="DataDirectoryInUseException"/> when another process holds it.
    /// </summary>
    public static FileStream Take(string dataDirectory)
    {
        try
        {
            return new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new DataDirectoryInUseException(dataDirectory, e);
        }
    }
}

/// <summary>
/// The data directory's <see cref="DataDirectoryLock"/> is held by another process (a running gateway, or a
/// <c>gateway verify</c>/<c>salvage</c> reading it): nothing was opened or changed. Exit code 4.
/// </summary>
public sealed class DataDirectoryInUseException(string dataDirectory, Exception inner)
    : IOException($"{dataDirectory} is in use by another process (a running gateway, or a gateway verify/salvage): {DataDirectoryLock.FileName} is locked. Stop it first", inner)
{
    /// <summary>Exit code of the gateway and its verbs when the data directory is in use.</summary>
    public const int ExitCode = 4;
}
