using System.Globalization;

namespace SensorStream.Cli.Local;

/// <summary>
/// One user of a data folder at a time: `run` for its whole life, a follow-up verb while it has the folder's gateway
/// and Azurite up. The lock is an exclusive <c>flock</c> on <c>&lt;data-dir&gt;/lock</c> (what .NET's
/// <see cref="FileShare.None"/> takes on Linux), so the kernel releases it when the holder dies — no stale lock after
/// a crash. Who holds it is written beside it in <c>lock.owner</c>, for the refusal message.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    public const string FileName = "lock";
    public const string OwnerFileName = "lock.owner";

    private readonly FileStream _file;
    private readonly string _ownerFile;

    private DataFolderLock(FileStream file, string ownerFile)
    {
        _file = file;
        _ownerFile = ownerFile;
    }

    /// <summary>
    /// Takes the lock of <paramref name="dataDir"/> (created if missing) for <paramref name="purpose"/>, or throws
    /// <see cref="DataFolderBusyException"/> naming the current holder. Never waits.
    /// </summary>
    public static DataFolderLock Acquire(string dataDir, string purpose)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, FileName);
        var ownerFile = Path.Combine(dataDir, OwnerFileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var owner = File.Exists(ownerFile) ? File.ReadAllText(ownerFile).Trim() : "another process";
            throw new DataFolderBusyException($"the data folder {dataDir} is in use by {owner}; " +
                                              "wait for it to end (or stop it), or use another --data-dir");
        }
        File.WriteAllText(ownerFile, string.Create(CultureInfo.InvariantCulture,
            $"`{purpose}` (process {Environment.ProcessId}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC)"));
        return new DataFolderLock(file, ownerFile);
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { File.Delete(_ownerFile); }
        catch (IOException) { } // best effort: the owner text is only for messages
        _file.Dispose();
    }
}

/// <summary>Another process holds the data folder's lock; the message names it.</summary>
public sealed class DataFolderBusyException(string message) : Exception(message);
