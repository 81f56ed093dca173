using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Storage;

/// <summary>One thing <see cref="StoreVerifier"/> found: damage (file + byte offset), or a note (a torn tail start-up would cut).</summary>
public sealed record StoreFinding(string Stream, bool IsDamage, string File, long Offset, string What)
{
    public override string ToString() => IsDamage ? $"DAMAGED {File} at byte {Offset}: {What}" : $"note    {File}: {What}";
}

/// <summary>
/// <c>gateway verify</c>: reads every file of every stream under a data directory without changing anything, and lists
/// what start-up would refuse (damage, with file and byte offset) plus what it would cut silently (torn tails). Segments
/// are scanned in full (start-up does not), so damage inside old segment data is found too.
/// </summary>
public static class StoreVerifier
{
    /// <summary>Findings of every stream (empty when the directory is intact) and how many streams were checked.</summary>
    public static (List<StoreFinding> Findings, int Streams) Verify(string dataDirectory)
    {
        var findings = new List<StoreFinding>();
        var scopes = Path.Combine(dataDirectory, "scopes");
        if (!Directory.Exists(scopes))
            return ([new StoreFinding("-", true, scopes, 0, "no scopes folder: not a gateway data directory")], 0);
        var streams = 0;
        foreach (var scopeDir in Directory.EnumerateDirectories(scopes).Order(StringComparer.Ordinal))
            foreach (var streamDir in Directory.EnumerateDirectories(scopeDir).Order(StringComparer.Ordinal))
            {
                var name = $"{Path.GetFileName(scopeDir)}/{Path.GetFileName(streamDir)}";
                if (NameRules.Problem(Path.GetFileName(scopeDir), "scope") is not null || NameRules.Problem(Path.GetFileName(streamDir), "stream") is not null)
                    continue;
                streams++;
                findings.AddRange(VerifyStream(name, new StreamPaths(streamDir)));
            }
        return (findings, streams);
    }

    /// <summary>Every finding of one stream.</summary>
    public static List<StoreFinding> VerifyStream(string name, StreamPaths paths)
    {
        var found = new List<StoreFinding>();
        void Damage(StorageDamageException e) => found.Add(new StoreFinding(name, true, e.File, e.Offset, e.What));
        StreamConfig config;
        try
        {
            config = StreamConfig.Load(paths.ConfigFile);
        }
        catch (StorageDamageException e)
        {
            Damage(e);
            return found; // without the segment count nothing else can be checked
        }
        var checkpoint = Checkpoint.Empty(config.Segments);
        var heads = new long[config.Segments];
        Try(() =>
        {
            StreamStore.CheckOlderFileSet(paths, config);
            checkpoint = Checkpoint.LoadOrEmpty(paths.CheckpointFile, config.Segments, config.FilesRequired);
        });
        Try(() => heads = HeadOffsets.LoadOrZero(paths.HeadFile, config.Segments, config.FilesRequired));
        Try(() =>
        {
            CommittedIds.Check(paths.CommittedIdsFile, checkpoint.CommittedIdsEnd ?? 0, out var torn);
            if (torn > 0) found.Add(new StoreFinding(name, false, paths.CommittedIdsFile, 0, $"a torn tail of {torn} byte(s) (cut at start-up)"));
        });
        var scan = new JournalScan();
        var journalIntact = Try(() =>
        {
            using var journal = Journal.Open(paths.JournalDirectory, long.MaxValue, checkpoint.JournalPosition, create: false, scan.Visit, out var torn, readOnly: true,
                startRequired: config.JournalStartRequired);
            if (torn > 0) found.Add(new StoreFinding(name, false, paths.JournalDirectory, journal.End, $"a torn tail of {torn} byte(s) after journal position {journal.End} (cut at start-up)"));
        });
        var lengths = new long[config.Segments];
        for (var s = 0; s < config.Segments; s++)
        {
            var path = paths.SegmentFile(s);
            if (!File.Exists(path))
            {
                found.Add(new StoreFinding(name, true, path, 0, "the segment file is missing"));
                continue;
            }
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            lengths[s] = RandomAccess.GetLength(file);
            var durable = checkpoint.SegmentEnds[s];
            if (lengths[s] < durable)
                found.Add(new StoreFinding(name, true, path, lengths[s], $"the file ends there but checkpoint.json says {durable} bytes were fsynced"));
            var validEnd = FrameScanner.Scan(file, Math.Min(heads[s], lengths[s]), null);
            if (validEnd < Math.Min(lengths[s], durable))
                found.Add(new StoreFinding(name, true, path, validEnd, "the event there does not read back (events before it are intact)"));
        }
        if (journalIntact) Try(() => StreamStore.CheckSegmentsAgainstJournal(paths, checkpoint, scan, lengths, config.Layout()));
        return found;

        bool Try(Action check)
        {
            try
            {
                check();
                return true;
            }
            catch (StorageDamageException e)
            {
                Damage(e);
                return false;
            }
        }
    }
}
