namespace SensorStream.Gateway.Storage;

/// <summary>
/// A stored file does not read back as the gateway wrote it, and no crash explains it (a torn tail is the only damage a
/// crash can leave, and it is cut silently). Names the file and the byte offset where the damage starts; the gateway
/// refuses to start (exit code 3) rather than guess, and nothing is deleted. <c>gateway verify</c> lists every such place,
/// <c>gateway salvage</c> copies what is intact.
/// </summary>
public sealed class StorageDamageException(string file, long offset, string what)
    : Exception($"{file} is damaged at byte {offset}: {what}")
{
    /// <summary>Full path of the damaged (or missing) file.</summary>
    public string File { get; } = file;

    /// <summary>What is wrong there (the message without file and offset).</summary>
    public string What { get; } = what;

    /// <summary>Byte offset in <see cref="File"/> where the damage starts (0 for a missing or unreadable file).</summary>
    public long Offset { get; } = offset;
}
