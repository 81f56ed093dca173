using System.Text.Json;
using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Watermarks;

/// <summary>
/// The event-time watermark of one stream, computed the way Pravega's controller does (<c>PeriodicWatermarking</c>):
/// every writer reports, with a commit, the lowest event time it may still write (<see cref="WriterMark"/>); the
/// watermark's time is the lowest time over the active writers and its cut the highest position they reported at, so
/// every event with a time below the watermark is before the cut. A writer silent for longer than
/// <see cref="WatermarkOptions.WriterTimeout"/> stops holding it back (and is forgotten until it reports again). The
/// watermark only moves forward, and it is written to <c>watermark.json</c> in the stream's directory before anyone
/// sees it, so a restart never shows an older one. A writer's first mark is written at once too (a crash must not let
/// the watermark pass a writer it already knew); later marks of a known writer only when the watermark is next read
/// (after a crash the older mark is the more careful one), and a restart gives every known writer a fresh timeout.
/// </summary>
public sealed class StreamWatermark
{
    public const string FileName = "watermark.json";

    private readonly Lock _gate = new();
    private readonly StreamStore _stream;
    private readonly WatermarkOptions _options;
    private readonly ILogger _log;
    private readonly string _path;
    private WatermarkState _state;
    private bool _dirty;
    private bool _warnedFull;

    internal StreamWatermark(StreamStore stream, WatermarkOptions options, ILogger log)
    {
        _stream = stream;
        _options = options;
        _log = log;
        _path = Path.Combine(stream.Paths.Directory, FileName);
        _state = Load();
    }

    /// <summary>
    /// Throws <see cref="StoreException"/> (INVALID_ARGUMENT) for a writer id that is too long or holds control
    /// characters, or a negative time — called before the commit, so a bad mark never follows a done commit.
    /// </summary>
    public void Validate(string writerId, long eventTimeNanos)
    {
        if (writerId.Length > _options.MaxWriterIdLength || writerId.Any(char.IsControl))
            throw new StoreException(StoreError.InvalidArgument, $"writer_id must be at most {_options.MaxWriterIdLength} printable characters");
        if (eventTimeNanos < 0) throw new StoreException(StoreError.InvalidArgument, $"event_time {eventTimeNanos} is negative (ns since the Unix epoch)");
    }

    /// <summary>
    /// Records <paramref name="writerId"/>'s mark after one of its commits: <paramref name="eventTimeNanos"/> is the lowest
    /// event time it may still write. Throws like <see cref="Validate"/>.
    /// </summary>
    public void Note(string writerId, long eventTimeNanos)
    {
        Validate(writerId, eventTimeNanos);
        var position = _stream.Tails(); // after the commit: everything the writer committed so far is before it
        lock (_gate)
        {
            var now = _options.Clock();
            var known = _state.Writers.ContainsKey(writerId);
            if (!known && _state.Writers.Count >= _options.MaxWritersPerStream)
            {
                if (!_warnedFull)
                    _log.LogWarning("Stream {Stream} already tracks {Count} writers (the limit): writer {Writer}'s event time is ignored; its data may arrive after the watermark",
                        _stream, _state.Writers.Count, writerId);
                _warnedFull = true;
                return;
            }
            _state.Writers[writerId] = new WriterMark(eventTimeNanos, now, position);
            Advance(now);
            if (!known) Save();
            else _dirty = true;
        }
    }

    /// <summary>The current watermark (after applying writer timeouts), made durable first; null while there is none.</summary>
    public (long Lower, long Upper, long[] Cut)? Current()
    {
        lock (_gate)
        {
            Advance(_options.Clock());
            if (_dirty) Save();
            return _state.LowerTimeBound == 0 ? null : (_state.LowerTimeBound, _state.UpperTimeBound, (long[])_state.Cut.Clone());
        }
    }

    /// <summary>Drops timed-out writers; moves the watermark forward when the lowest active time passed it.</summary>
    private void Advance(long now)
    {
        var timeout = (long)_options.WriterTimeout.TotalMilliseconds;
        foreach (var (id, mark) in _state.Writers)
        {
            if (now - mark.HeardAtMs <= timeout) continue;
            _state.Writers.Remove(id);
            _dirty = true;
            _log.LogInformation("Stream {Stream}: writer {Writer} silent for over {Timeout} s no longer holds the watermark back", _stream, id, timeout / 1000);
        }
        if (_state.Writers.Count == 0) return; // Pravega emits no watermark for a stream without active writers
        var lower = _state.Writers.Values.Min(w => w.Time);
        if (lower <= _state.LowerTimeBound) return;
        var cut = (long[])_state.Cut.Clone();
        foreach (var mark in _state.Writers.Values) cut = UpperBound(cut, mark.Position);
        _state = _state with { LowerTimeBound = lower, UpperTimeBound = _state.Writers.Values.Max(w => w.Time), Cut = cut };
        _dirty = true;
    }

    /// <summary>Per segment the larger offset; a position of another shape (a stream that changed its segments) counts as the tail.</summary>
    private long[] UpperBound(long[] a, long[] b)
    {
        if (a.Length != b.Length) return _stream.Tails();
        var result = new long[a.Length];
        for (var i = 0; i < a.Length; i++) result[i] = Math.Max(a[i], b[i]);
        return result;
    }

    private void Save()
    {
        DurableFiles.WriteAtomically(_path, JsonSerializer.Serialize(_state));
        _dirty = false;
    }

    private WatermarkState Load()
    {
        if (!File.Exists(_path)) return new WatermarkState();
        var state = MetadataFile.Read<WatermarkState>(_path, check: s =>
            s.Version != WatermarkState.CurrentVersion ? $"version {s.Version} is not {WatermarkState.CurrentVersion}" :
            s.LowerTimeBound < 0 || s.Cut is null || s.Writers is null ? "it holds a negative time or misses a field" : null);
        var now = _options.Clock();
        var segments = _stream.SegmentCount;
        // A restart gives every known writer a fresh timeout: none of them could commit while the gateway was down.
        var writers = state.Writers.ToDictionary(w => w.Key,
            w => w.Value with { HeardAtMs = now, Position = w.Value.Position.Length == segments ? w.Value.Position : _stream.Tails() }, StringComparer.Ordinal);
        var cut = state.Cut.Length == segments || state.LowerTimeBound == 0 ? state.Cut : _stream.Tails();
        return state with { Writers = writers, Cut = cut };
    }
}
