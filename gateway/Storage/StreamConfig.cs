using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>How stream data ages out: by age of the commit (ms) or by total size (bytes).</summary>
public enum RetentionKind { None, Time, Size }

/// <summary>
/// A stream's durable configuration (<c>stream.json</c>): its segments — <see cref="Segments"/> segment files in all,
/// <see cref="Epochs"/> of them per scaling epoch — and retention. A file without <c>Epochs</c> (written before streams
/// could scale) is one epoch of <see cref="Segments"/> segments. Saving a new epoch here is a scale's commit point.
/// </summary>
public sealed record StreamConfig(int Segments, RetentionKind Retention = RetentionKind.None, long RetentionParam = 0)
{
    /// <summary>Segments per epoch, epoch 0 first (null: one epoch of <see cref="Segments"/>); their sum is <see cref="Segments"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int[]? Epochs { get; init; }

    /// <summary>
    /// The stream's file set, which files must exist (null: written before it was recorded). 3: <c>checkpoint.json</c>,
    /// <c>head.json</c> and <c>committed.log</c> exist from the stream's creation on, so any of them missing is damage,
    /// never "no checkpoint yet". 4 (<see cref="CurrentFileSet"/>): also <c>journal/deleted-before</c>, which records
    /// where the journal begins, so a journal file missing at its start is always decidable. A stream of an older set
    /// is upgraded at its first successful start: the missing files are written as they were implied (the journal's
    /// present start for <c>deleted-before</c>), then this is saved.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? FileSet { get; init; }

    /// <summary>The file set this build writes (see <see cref="FileSet"/>).</summary>
    public const int CurrentFileSet = 4;

    /// <summary>The first file set this build knows: streams of it are upgraded to <see cref="CurrentFileSet"/>.</summary>
    public const int OldestFileSet = 3;

    /// <summary>True when <c>checkpoint.json</c>, <c>head.json</c> and <c>committed.log</c> must exist (<see cref="FileSet"/> recorded).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool FilesRequired => FileSet is not null;

    /// <summary>True when <c>journal/deleted-before</c> must exist too (<see cref="FileSet"/> 4 on).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool JournalStartRequired => FileSet >= 4;

    /// <summary>The stream's epochs and segment graph.</summary>
    public StreamEpochs Layout() => new(Epochs ?? [Segments]);

    /// <summary>Auto-scaling by rate (null: the segment count changes only by UpdateStream).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ScalingRule? Scaling { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads <c>stream.json</c>; a missing or unreadable file is a <see cref="StorageDamageException"/> naming it.</summary>
    public static StreamConfig Load(string path) =>
        MetadataFile.Read<StreamConfig>(path, MetadataFile.Strict, c =>
            c.Segments is < 1 or > TotalSegmentLimit ? $"segment count {c.Segments} is out of range (1..{TotalSegmentLimit})" :
            c.Epochs is { } e && (e.Length == 0 || e.Any(n => n is < 1 or > SegmentLimit) || e.Sum() != c.Segments)
                ? $"epochs [{string.Join(",", e)}] do not add up to {c.Segments} segments of 1..{SegmentLimit} each" :
            c.Epochs is null && c.Segments > SegmentLimit ? $"segment count {c.Segments} is out of range (1..{SegmentLimit})" :
            !Enum.IsDefined(c.Retention) || c.RetentionParam < 0 ? $"retention {c.Retention}/{c.RetentionParam} is not one the gateway writes" :
            c.Scaling is { } rule && (!Enum.IsDefined(rule.Kind) || rule.Problem() is not null) ? $"scaling {rule} is not one the gateway writes" :
            c.FileSet is { } set && set is < OldestFileSet or > CurrentFileSet ? $"file set {set} is not one this gateway knows (it writes {CurrentFileSet})" : null);

    /// <summary>Most segments a stream may have (Pravega's fixed scaling policy, bounded so one stream cannot take every file handle).</summary>
    public const int SegmentLimit = 1024;

    /// <summary>Most segments of all epochs together (each is a file, and read positions hold one offset per segment): a scale beyond it is refused.</summary>
    public const int TotalSegmentLimit = 4096;

    /// <summary>Writes <c>stream.json</c> atomically and durably.</summary>
    public void Save(string path) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(this, Json));
}
