using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using SensorStream.Streams.Storage;

namespace SensorStream.EdgeModule.Queue;

/// <summary>What a sidecar file looked like when the queue opened.</summary>
internal enum SidecarState
{
    Missing,
    Valid,
    Damaged,

    /// <summary>Present and empty where a run creates the file before its first write (the progress file): it stopped before it.</summary>
    NeverWritten,
}

/// <summary>One sensor's progress: every value is "the sequence after the newest sample that …".</summary>
/// <param name="Issued">… was committed to the queue (queued, or refused and recorded as a loss).</param>
/// <param name="InFlight">… may be in the stream: reserved for a stream transaction (may be written, may be committed).</param>
/// <param name="Delivered">… is known committed into the stream.</param>
internal readonly record struct SensorProgress(long Issued, long InFlight, long Delivered);

/// <summary>
/// The sequence bookkeeping kept OUTSIDE the queue database, so that losing, replacing or rolling back the
/// database can never make a sequence number be used twice, nor a loss go unnoticed. Two files beside the database:
/// <list type="bullet">
/// <item><c>&lt;db&gt;.hwm</c> (high-water mark): per sensor a reserved ceiling — no sample at or above it was ever
/// queued. Raised in blocks of <see cref="QueueOptions.SequenceBlock"/> samples, replaced atomically and fsynced
/// BEFORE the SQL transaction that first uses the new block commits: written once per block, and a power cut
/// never loses it.</item>
/// <item><c>&lt;db&gt;.progress</c>: per sensor <see cref="SensorProgress"/>, rewritten in place (one pwrite, no
/// fsync) after each change. A killed process never loses it (the page cache survives); a power cut can leave it
/// behind the database (harmless: the database is then ahead and trusted) or torn (its checksum shows it; the
/// high-water mark is the fall-back).</item>
/// </list>
/// Both use <see cref="SidecarFormat"/>. Not thread-safe: the queue calls it under its lock.
/// </summary>
internal sealed class SequenceLedger : IDisposable
{
    public const string HighWaterMarkSuffix = ".hwm";
    public const string ProgressSuffix = ".progress";
    private const string HighWaterMarkMagic = "sensorstream-edge-hwm";
    private const string ProgressMagic = "sensorstream-edge-progress";

    private readonly ILogger _log;
    private readonly long _block;
    private readonly Dictionary<string, long> _reserved;
    private readonly Dictionary<string, SensorProgress> _progress;
    private readonly SafeFileHandle _progressFile;
    private Dictionary<string, SensorProgress>? _beforeReservation;
    private long _writtenLength;
    private bool _progressWriteFailing;

    private SequenceLedger(string databasePath, long block, ILogger log)
    {
        _log = log;
        _block = block;
        HighWaterMarkPath = databasePath + HighWaterMarkSuffix;
        ProgressPath = databasePath + ProgressSuffix;
        (HighWaterMarkState, HighWaterMarkProblem, _reserved) = Load(HighWaterMarkPath, HighWaterMarkMagic, emptyIsNeverWritten: false,
            json => JsonSerializer.Deserialize<Dictionary<string, long>>(json));
        (ProgressState, ProgressProblem, var progress) = Load(ProgressPath, ProgressMagic, emptyIsNeverWritten: true,
            json => JsonSerializer.Deserialize<Dictionary<string, long[]>>(json)?.ToDictionary(p => p.Key, p => p.Value.Length == 3
                ? new SensorProgress(p.Value[0], p.Value[1], p.Value[2])
                : throw new FormatException($"sensor {p.Key} has {p.Value.Length} values, not 3")));
        _progress = progress;
        _progressFile = File.OpenHandle(ProgressPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        _writtenLength = RandomAccess.GetLength(_progressFile);
    }

    /// <summary>Reads both files beside <paramref name="databasePath"/> (a missing or damaged one is reported by its state, not thrown).</summary>
    public static SequenceLedger Open(string databasePath, long block, ILogger log) => new(Path.GetFullPath(databasePath), block, log);

    public string HighWaterMarkPath { get; }
    public string ProgressPath { get; }
    public SidecarState HighWaterMarkState { get; }
    public SidecarState ProgressState { get; }

    /// <summary>What is wrong with the high-water mark file when it is <see cref="SidecarState.Damaged"/>.</summary>
    public string? HighWaterMarkProblem { get; }
    public string? ProgressProblem { get; }

    /// <summary>Every sensor either file knows.</summary>
    public IEnumerable<string> Sensors => _reserved.Keys.Union(_progress.Keys);

    /// <summary>The reserved ceiling of <paramref name="sensor"/> (0 when it has none).</summary>
    public long Reserved(string sensor) => _reserved.GetValueOrDefault(sensor);

    public SensorProgress Progress(string sensor) => _progress.GetValueOrDefault(sensor);

    /// <summary>
    /// Before a SQL transaction that queues samples up to (excluding) each <c>Next</c>: raises the reserved ceiling
    /// of every sensor that would pass it by a block, durably. Throws <see cref="IOException"/> when it cannot (the
    /// caller then commits nothing).
    /// </summary>
    public void Reserve(IEnumerable<(string Sensor, long Next)> upTo)
    {
        if (Raise(upTo)) WriteHighWaterMark();
    }

    private bool Raise(IEnumerable<(string Sensor, long Next)> upTo)
    {
        var raised = false;
        foreach (var (sensor, next) in upTo)
        {
            if (next <= _reserved.GetValueOrDefault(sensor)) continue;
            _reserved[sensor] = next + _block;
            raised = true;
        }
        return raised;
    }

    /// <summary>After the SQL transaction committed: samples before each <c>Next</c> are issued.</summary>
    public void Issued(IEnumerable<(string Sensor, long Next)> upTo)
    {
        foreach (var (sensor, next) in upTo)
        {
            var p = Progress(sensor);
            if (next > p.Issued) _progress[sensor] = p with { Issued = next };
        }
        WriteProgress(mustSucceed: false);
    }

    /// <summary>
    /// Before <paramref name="events"/> are written to a stream transaction: they may be in the stream from now on.
    /// Throws <see cref="IOException"/> when that cannot be recorded (the events must then not be sent).
    /// </summary>
    public void InFlight(IEnumerable<QueuedEvent> events)
    {
        _beforeReservation = new Dictionary<string, SensorProgress>(_progress);
        foreach (var e in events)
        {
            var p = Progress(e.RoutingKey);
            var end = e.FirstSequence + e.SampleCount;
            if (end > p.InFlight) _progress[e.RoutingKey] = p with { InFlight = end };
        }
        try
        {
            WriteProgress(mustSucceed: true);
        }
        catch
        {
            ReleaseInFlight();
            throw;
        }
    }

    /// <summary>The reserved events are recorded pending: they may be committed from now on, so their in-flight marks stay.</summary>
    public void KeepInFlight() => _beforeReservation = null;

    /// <summary>The reserved events were never recorded pending (nor committed): back to the previous in-flight marks.</summary>
    public void ReleaseInFlight()
    {
        if (_beforeReservation is null) return;
        foreach (var (sensor, before) in _beforeReservation)
            if (_progress.TryGetValue(sensor, out var p)) _progress[sensor] = p with { InFlight = before.InFlight };
        _beforeReservation = null;
        WriteProgress(mustSucceed: false);
    }

    /// <summary>A transaction is known committed: samples before each <c>End</c> are in the stream.</summary>
    public void Delivered(IEnumerable<(string Sensor, long End)> upTo)
    {
        _beforeReservation = null;
        foreach (var (sensor, end) in upTo)
        {
            var p = Progress(sensor);
            if (end > p.Delivered) _progress[sensor] = p with { Delivered = end, InFlight = Math.Max(p.InFlight, end) };
        }
        WriteProgress(mustSucceed: false);
    }

    /// <summary>
    /// The stream holds each sensor's samples up to (excluding) <paramref name="streamNext"/>: they are delivered (and were
    /// in flight). Written by the <see cref="Settle"/> that follows.
    /// </summary>
    public void Proven(IReadOnlyDictionary<string, long> streamNext)
    {
        foreach (var (sensor, end) in streamNext)
        {
            var p = Progress(sensor);
            _progress[sensor] = p with { Delivered = Math.Max(p.Delivered, end), InFlight = Math.Max(p.InFlight, end) };
        }
    }

    /// <summary>
    /// After the open-time check: <paramref name="next"/> is each sensor's next sequence in the database. Makes both
    /// files agree (issued and reserved at least that far) and writes them, creating them on the first start.
    /// </summary>
    public void Settle(IReadOnlyDictionary<string, long> next)
    {
        foreach (var (sensor, n) in next)
        {
            var p = Progress(sensor);
            _progress[sensor] = p with { Issued = Math.Max(p.Issued, n) };
        }
        WriteProgress(mustSucceed: true);
        if (Raise(next.Select(p => (p.Key, p.Value))) || HighWaterMarkState != SidecarState.Valid) WriteHighWaterMark();
    }

    private void WriteHighWaterMark() =>
        DurableFile.ReplaceAtomically(HighWaterMarkPath, SidecarFormat.Encode(HighWaterMarkMagic, JsonSerializer.Serialize(_reserved)));

    private void WriteProgress(bool mustSucceed)
    {
        var json = JsonSerializer.Serialize(_progress.ToDictionary(p => p.Key, p => new[] { p.Value.Issued, p.Value.InFlight, p.Value.Delivered }));
        var bytes = SidecarFormat.Encode(ProgressMagic, json);
        try
        {
            RandomAccess.Write(_progressFile, bytes, 0);
            if (bytes.Length < _writtenLength) RandomAccess.SetLength(_progressFile, bytes.Length);
            _writtenLength = bytes.Length;
            if (_progressWriteFailing) _log.LogWarning("Sequence progress file {Path} is written again", ProgressPath);
            _progressWriteFailing = false;
        }
        catch (IOException e) when (!mustSucceed)
        {
            // Behind is safe (the database is then ahead and trusted at the next start); say so once.
            if (!_progressWriteFailing)
                _log.LogError("Sequence progress file {Path} cannot be written ({Error}); a rollback of the queue database before it is written again " +
                              "would be detected only against the high-water mark {Hwm}", ProgressPath, e.Message, HighWaterMarkPath);
            _progressWriteFailing = true;
        }
    }

    /// <summary>
    /// Reads one sidecar file. An empty one is <see cref="SidecarState.NeverWritten"/> when <paramref name="emptyIsNeverWritten"/>
    /// (the progress file is created when the queue opens and written in place, never cut to zero: empty means the run
    /// stopped before its first write, or a power cut took that write with the page cache), otherwise damage (the
    /// high-water mark is only ever replaced whole).
    /// </summary>
    private static (SidecarState, string?, Dictionary<string, T>) Load<T>(string path, string magic, bool emptyIsNeverWritten, Func<string, Dictionary<string, T>?> parse)
    {
        if (!File.Exists(path)) return (SidecarState.Missing, null, []);
        try
        {
            var content = File.ReadAllBytes(path);
            if (content.Length == 0) return emptyIsNeverWritten ? (SidecarState.NeverWritten, null, []) : (SidecarState.Damaged, "empty file", []);
            return (SidecarState.Valid, null, parse(SidecarFormat.Decode(content, magic)) ?? throw new FormatException("JSON null"));
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            return (SidecarState.Damaged, e.Message, []);
        }
    }

    public void Dispose() => _progressFile.Dispose();
}
