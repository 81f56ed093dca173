namespace SensorStream.Gateway.Storage;

/// <summary>
/// The operating system refused to open a segment file because the process holds as many descriptors as its open-file
/// limit allows (EMFILE; ENFILE: the whole system's). The message names the file, how many segment files were open and
/// their cap (<see cref="StoreOptions.MaxOpenSegmentFiles"/>, <c>--max-open-segment-files</c>), and what to change; an
/// <see cref="IOException"/> (with the errno as <see cref="Exception.HResult"/>) so every caller keeps treating it as a
/// failed I/O: a write is not acknowledged, a call answers RESOURCE_EXHAUSTED with this message, start-up is refused naming the limit.
/// </summary>
public sealed class TooManyOpenFilesException : IOException
{
    /// <summary>Wraps <paramref name="inner"/> (an EMFILE/ENFILE from opening <paramref name="path"/>).</summary>
    public TooManyOpenFilesException(string path, int openSegmentFiles, int cap, IOException inner)
        : base($"too many open files (the open-file limit, ulimit -n, is reached) while opening segment file {path} with {openSegmentFiles} segment file(s) open, " +
               $"at most {cap} by --max-open-segment-files: raise ulimit -n or lower --max-open-segment-files", inner) =>
        HResult = inner.HResult;

    /// <summary>Whether <paramref name="e"/> is the operating system's "too many open files" (EMFILE 24, ENFILE 23 on Linux).</summary>
    public static bool Is(Exception e) =>
        e is IOException && (e.HResult is 24 or 23 || e.Message.Contains("Too many open files", StringComparison.OrdinalIgnoreCase));
}
