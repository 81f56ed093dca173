namespace SensorStream.Gateway.Storage;

/// <summary>
/// Where one stream lives under the data directory: <c>scopes/{scope}/{stream}/</c>. Scope and stream names are
/// validated with NameRules before they get here, so each is one safe path component.
/// </summary>
public sealed record StreamPaths(string Directory)
{
    public string ConfigFile => Path.Combine(Directory, "stream.json");
    public string HeadFile => Path.Combine(Directory, "head.json");
    public string CheckpointFile => Path.Combine(Directory, "checkpoint.json");
    public string JournalDirectory => Path.Combine(Directory, "journal");
    public string CommittedIdsFile => Path.Combine(Directory, "committed.log");
    public string SegmentsDirectory => Path.Combine(Directory, "segments");

    public string SegmentFile(int segment) => Path.Combine(SegmentsDirectory, $"{segment}.seg");

    // The older layout (per-transaction files and a separate commit log), read once to upgrade.
    public string LegacyCommitLogFile => Path.Combine(Directory, "commits.log");
    public string LegacyTransactionsDirectory => Path.Combine(Directory, "txns");
    public const string LegacyTransactionFileExtension = ".txn";
}
