using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

// Creating a stream on disk, and opening one after a restart or crash.
public sealed partial class StreamStore
{
    private bool _deleted;

    internal void MarkDeleted() => _deleted = true;

    /// <summary>
    /// Lays out a new stream in <paramref name="directory"/> (a staging folder: the caller renames it into place, so a
    /// stream folder under <c>scopes/</c> is always complete): empty segment files, the first journal file, an empty
    /// <c>committed.log</c>, an empty <c>checkpoint.json</c> and <c>head.json</c>, then <c>stream.json</c> recording
    /// that file set (<see cref="StreamConfig.FileSet"/>: from then on any of them missing is damage), all durable.
    /// </summary>
    public static void CreateLayout(string directory, StreamConfig config, StoreOptions options)
    {
        var paths = new StreamPaths(directory);
        Directory.CreateDirectory(paths.SegmentsDirectory);
        for (var s = 0; s < config.Segments; s++) File.Create(paths.SegmentFile(s)).Dispose();
        DurableFiles.SyncDirectory(paths.SegmentsDirectory);
        Journal.Open(paths.JournalDirectory, options.JournalFileBytes, expectedEnd: 0, create: true, static (_, _, _) => { }, out _).Dispose();
        CommittedIds.Open(paths.CommittedIdsFile, static (_, _) => { }, create: true).Dispose();
        new Checkpoint(0, new long[config.Segments]) { CommittedIdsEnd = 0 }.Save(paths.CheckpointFile);
        HeadOffsets.Save(paths.HeadFile, new long[config.Segments]);
        (config with { FileSet = StreamConfig.CurrentFileSet }).Save(paths.ConfigFile);
        DurableFiles.SyncDirectory(directory);
    }

    /// <summary>
    /// Opens a stream and recovers it: segments are cut back to the last checkpoint (dropping torn tails and merges
    /// that were not fsynced), the journal's torn tail is cut, every commit after the checkpoint is replayed at the
    /// offsets its entry recorded, and transactions written but never committed or aborted come back open. Before
    /// anything is changed (the journal's torn tail too), the files are checked against each other: a segment shorter than its checkpoint, or longer
    /// than the commits the journal still holds explain (merges happen only after their commit is durable in the
    /// journal), is a <see cref="StorageDamageException"/>.
    /// </summary>
    public static StreamStore Open(string scope, string stream, StreamPaths paths, StoreOptions options, ILogger log, CountedLimit? budget = null, StoreHealth? health = null,
        SegmentHandles? handles = null) =>
        Prepare(scope, stream, paths, options, log, budget, health, handles).Complete();

    /// <summary>
    /// A stream whose files passed every check of <see cref="Open"/> and nothing of it changed yet: <see cref="Complete"/>
    /// makes the repairs (torn tails cut, file set upgraded, commits after the checkpoint replayed) and returns the
    /// stream; <see cref="Abandon"/> closes its files unchanged. The gateway checks every stream before it repairs any,
    /// so a start-up refused for one stream changes nothing on disk.
    /// </summary>
    internal sealed record PreparedStream(Func<StreamStore> Complete, Action Abandon);

    /// <summary>The checks of <see cref="Open"/>, nothing changed on disk; a failed check is a <see cref="StorageDamageException"/> with every file closed.</summary>
    internal static PreparedStream Prepare(string scope, string stream, StreamPaths paths, StoreOptions options, ILogger log, CountedLimit? budget = null,
        StoreHealth? health = null, SegmentHandles? handles = null)
    {
        var config = StreamConfig.Load(paths.ConfigFile);
        var epochs = config.Layout();
        CheckOlderFileSet(paths, config);
        Directory.CreateDirectory(paths.SegmentsDirectory);
        var checkpoint = LegacyLayout.UpgradeIfNeeded(paths, config, options, log);
        var segments = new SegmentFile[config.Segments];
        var committed = new CommittedSet();
        var scan = new JournalScan();
        CommittedIds? committedIds = null;
        Journal? journal = null;
        long tornBytes;
        long[] heads;
        var lengths = new long[segments.Length];
        var lastCommitMs = long.MinValue; // commit times go on from the latest one recorded (they never decrease)
        try
        {
            for (var s = 0; s < segments.Length; s++)
            {
                var segment = segments[s] = SegmentFile.Open(s, paths.SegmentFile(s), mustExist: true, handles);
                var durable = checkpoint.SegmentEnds[s];
                lengths[s] = segment.FileLength;
                if (lengths[s] < durable)
                    throw new StorageDamageException(segment.Path, lengths[s],
                        $"the file ends there but checkpoint.json says {durable} bytes were fsynced: data was lost outside the gateway");
            }
            committedIds = CommittedIds.Open(paths.CommittedIdsFile, (id, at) =>
            {
                committed.Add(id);
                lastCommitMs = Math.Max(lastCommitMs, at);
            }, durableEnd: checkpoint.CommittedIdsEnd ?? 0);
            journal = Journal.Open(paths.JournalDirectory, options.JournalFileBytes, checkpoint.JournalPosition, create: false, scan.Visit, out tornBytes,
                deferRepairs: true, startRequired: config.JournalStartRequired);
            CheckSegmentsAgainstJournal(paths, checkpoint, scan, lengths, epochs);
            heads = HeadOffsets.LoadOrZero(paths.HeadFile, config.Segments, config.FilesRequired);
        }
        catch
        {
            Close();
            throw;
        }
        return new PreparedStream(Complete, Close);

        void Close()
        {
            foreach (var segment in segments) segment?.Dispose();
            committedIds?.Dispose();
            journal?.Dispose();
        }

        StreamStore Complete()
        {
            // Only now, every check passed, is anything changed: a refused start-up changed nothing. The journal records
            // where it begins before stream.json records the file set that requires it.
            journal.FinishRepairs();
            if (config.FileSet != StreamConfig.CurrentFileSet) config = UpgradeFileSet(paths, config, checkpoint, heads, log);
            if (tornBytes > 0) log.LogWarning("{Scope}/{Stream}: cut a torn tail of {Bytes} bytes off the journal", scope, stream, tornBytes);
            for (var s = 0; s < segments.Length; s++)
            {
                var durable = checkpoint.SegmentEnds[s];
                if (lengths[s] <= durable) continue;
                log.LogInformation("{Scope}/{Stream} segment {Segment}: cutting {Bytes} bytes after the checkpoint (torn tail or merges to replay)",
                    scope, stream, s, lengths[s] - durable);
                segments[s].Truncate(durable);
            }

            var now = options.Clock();
            var ends = segments.Select(s => s.End).ToArray();
            var replayed = new List<(Transaction, long)>();
            foreach (var (entry, end) in scan.Commits)
            {
                lastCommitMs = Math.Max(lastCommitMs, entry.TimestampMs);
                foreach (var ct in entry.Transactions)
                {
                    var key = JournalFrame.IdOf(ct.TxnId);
                    committed.Add(key);
                    var hasData = scan.Data.Remove(key, out var data);
                    if (end <= checkpoint.JournalPosition) continue; // merged and fsynced before the checkpoint
                    var txn = new Transaction(key, options.DefaultLeaseMs, now);
                    if (hasData) txn.AddEvents(data.Events, data.FirstFrame);
                    TransactionMerger.Merge(txn, ct, entry.TimestampMs, journal, segments, epochs);
                    foreach (var m in ct.Merges) ends[m.Segment] += m.Bytes;
                    txn.Phase = TransactionPhase.Committed;
                    replayed.Add((txn, entry.TimestampMs));
                }
            }
            for (var s = 0; s < segments.Length; s++) segments[s].Publish(ends[s]);
            if (replayed.Count > 0)
                log.LogInformation("{Scope}/{Stream}: replayed {Count} commit(s) after the checkpoint", scope, stream, replayed.Count);

            for (var s = 0; s < heads.Length; s++) heads[s] = Math.Min(heads[s], ends[s]);

            var store = new StreamStore(scope, stream, paths, config, segments, journal, committedIds, heads, options,
                budget ?? new CountedLimit(options.MaxOpenTransactions), health ?? new StoreHealth(), log)
            {
                _committedLogEnd = journal.End,
                _lastCommitMs = lastCommitMs,
                _durableLogEnd = checkpoint.JournalPosition,
                _lastCheckpointMs = now,
                _committed = committed,
                _handles = handles,
            };
            var open = 0;
            foreach (var (key, data) in scan.Data)
            {
                if (committed.Contains(key)) continue;
                // The lease is not persisted: a transaction that survives a restart gets a fresh default lease, time for its
                // writer to reconnect and commit.
                var txn = new Transaction(key, options.DefaultLeaseMs, now);
                txn.AddEvents(data.Events, data.FirstFrame);
                store._open.Add(txn, recovered: true);
                open++;
            }
            store._mergedSinceCheckpoint.AddRange(replayed);
            if (open > 0) log.LogInformation("{Scope}/{Stream}: {Count} open transaction(s) recovered", scope, stream, open);
            return store;
        }
    }

    /// <summary>
    /// A stream written before <see cref="StreamConfig.FileSet"/> may legitimately lack <c>checkpoint.json</c> (no
    /// checkpoint yet) — but not once checkpoints deleted journal files (<c>journal/deleted-before</c> records a position
    /// above 0; a new journal records 0). Verify
    /// runs the same check.
    /// </summary>
    internal static void CheckOlderFileSet(StreamPaths paths, StreamConfig config)
    {
        if (config.FilesRequired || File.Exists(paths.CheckpointFile)) return;
        if (Journal.ReadDeletedBefore(paths.JournalDirectory) > 0)
            throw new StorageDamageException(paths.CheckpointFile, 0,
                $"the file is missing, but {Path.Combine(paths.JournalDirectory, Journal.DeletedBeforeFile)} records that checkpoints deleted journal files: the position the journal is replayed from is unknown. Nothing was changed; restore it (or run gateway salvage)");
    }

    /// <summary>
    /// The upgrade of a stream written before <see cref="StreamConfig.FileSet"/>, once it opened without damage: the
    /// files its absence implied (an empty checkpoint, a head at 0) are written, then <c>stream.json</c> records the file
    /// set — from then on a missing file is damage.
    /// </summary>
    private static StreamConfig UpgradeFileSet(StreamPaths paths, StreamConfig config, Checkpoint checkpoint, long[] heads, ILogger log)
    {
        if (!File.Exists(paths.CheckpointFile)) checkpoint.Save(paths.CheckpointFile);
        if (!File.Exists(paths.HeadFile)) HeadOffsets.Save(paths.HeadFile, heads);
        var upgraded = config with { FileSet = StreamConfig.CurrentFileSet };
        upgraded.Save(paths.ConfigFile);
        log.LogInformation("{Dir}: recorded the stream's file set {Set} in stream.json (checkpoint.json, head.json, committed.log, journal/deleted-before must exist from now on)",
            paths.Directory, StreamConfig.CurrentFileSet);
        return upgraded;
    }

    /// <summary>
    /// Every byte of a segment after its checkpointed length was merged by a commit whose decision was durable in the
    /// journal first; replaying the journal's commits after the checkpoint must reach at least the file's length, each
    /// at the offset the previous one ended. Anything else means journal data is missing.
    /// </summary>
    internal static void CheckSegmentsAgainstJournal(StreamPaths paths, Checkpoint checkpoint, JournalScan scan, long[] lengths, StreamEpochs epochs)
    {
        var ends = (long[])checkpoint.SegmentEnds.Clone();
        var lastCommit = checkpoint.JournalPosition; // where the journal's last commit that explains segment bytes ends
        foreach (var (entry, end) in scan.Commits)
        {
            if (end <= checkpoint.JournalPosition) continue;
            lastCommit = end;
            foreach (var ct in entry.Transactions)
            {
                var bytes = new long[ends.Length];
                if (scan.Data.TryGetValue(JournalFrame.IdOf(ct.TxnId), out var data) &&
                    ct.Merges.Count > 0 && ct.Merges[0].Segment >= 0 && ct.Merges[0].Segment < ends.Length)
                {
                    // Where the commit put each event: its key's segment in the epoch of the segments it merged into.
                    int[] placed;
                    try
                    {
                        placed = epochs.Place(data.Events, epochs.EpochOf(ct.Merges[0].Segment));
                    }
                    catch (InvalidDataException e)
                    {
                        throw new StorageDamageException(paths.JournalDirectory, end, $"the commit of {ct.TxnId} ending at journal position {end}: {e.Message}");
                    }
                    for (var i = 0; i < placed.Length; i++) bytes[placed[i]] += SegmentRecord.FrameSizeOf(data.Events[i].EventLength);
                }
                foreach (var m in ct.Merges)
                {
                    if (m.Segment < 0 || m.Segment >= ends.Length || ends[m.Segment] != m.Target)
                        throw new StorageDamageException(paths.JournalDirectory, end,
                            $"the commit of {ct.TxnId} ending at journal position {end} puts segment {m.Segment} at {m.Target}, but the commits before it end at {(m.Segment >= 0 && m.Segment < ends.Length ? ends[m.Segment] : -1)}: journal data is missing");
                    if (bytes[m.Segment] != m.Bytes)
                        throw new StorageDamageException(paths.JournalDirectory, end,
                            $"the commit of {ct.TxnId} ending at journal position {end} merges {m.Bytes} bytes into segment {m.Segment}, but the journal holds {bytes[m.Segment]} bytes of its events: journal data is missing");
                    ends[m.Segment] += m.Bytes;
                }
            }
        }
        for (var s = 0; s < lengths.Length; s++)
            if (lengths[s] > ends[s])
                throw new StorageDamageException(paths.SegmentFile(s), ends[s],
                    $"the file holds {lengths[s] - ends[s]} byte(s) after {ends[s]} that no commit in the journal explains (merges follow durable commits): journal data after position {lastCommit} (the end of its last commit after the checkpoint at {checkpoint.JournalPosition}) is missing — the journal was cut or newer journal files were removed. Nothing was changed");
    }
}
