using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

// Creating a stream on disk, and opening one after a restart or crash.
public sealed partial class StreamStore
{
    private bool _deleted;

    internal void MarkDeleted() => _deleted = true;

    /// <summary>Lays out a new stream. <c>stream.json</c> is written last: a directory without it is an unfinished creation.</summary>
    public static StreamStore Create(string scope, string stream, StreamPaths paths, StreamConfig config, StoreOptions options, ILogger log)
    {
        Directory.CreateDirectory(paths.SegmentsDirectory);
        Directory.CreateDirectory(paths.JournalDirectory);
        DurableFiles.SyncDirectory(paths.Directory);
        config.Save(paths.ConfigFile);
        DurableFiles.SyncDirectory(Path.GetDirectoryName(paths.Directory)!);
        return Open(scope, stream, paths, options, log);
    }

    /// <summary>
    /// Opens a stream and recovers it: segments are cut back to the last checkpoint (dropping torn tails and merges
    /// that were not fsynced), the journal's torn tail is cut, every commit after the checkpoint is replayed at the
    /// offsets its entry recorded, and transactions written but never committed or aborted come back open.
    /// </summary>
    public static StreamStore Open(string scope, string stream, StreamPaths paths, StoreOptions options, ILogger log)
    {
        var config = StreamConfig.Load(paths.ConfigFile);
        Directory.CreateDirectory(paths.SegmentsDirectory);
        var checkpoint = LegacyLayout.UpgradeIfNeeded(paths, config, options, log);
        var segments = new SegmentFile[config.Segments];
        for (var s = 0; s < segments.Length; s++)
        {
            var segment = segments[s] = SegmentFile.Open(s, paths.SegmentFile(s));
            var durable = checkpoint.SegmentEnds[s];
            var length = segment.FileLength;
            if (length < durable)
                throw new InvalidDataException($"{segment.Path} has {length} bytes but its checkpoint says {durable} were fsynced: data was lost outside the gateway");
            if (length > durable)
            {
                log.LogInformation("{Scope}/{Stream} segment {Segment}: cutting {Bytes} bytes after the checkpoint (torn tail or merges to replay)",
                    scope, stream, s, length - durable);
                segment.Truncate(durable);
            }
        }

        var committed = new Dictionary<string, long>();
        var committedIds = CommittedIds.Open(paths.CommittedIdsFile, committed);
        var scan = new JournalScan();
        var journal = Journal.Open(paths.JournalDirectory, options.JournalFileBytes, scan.Visit, out var tornBytes);
        if (tornBytes > 0) log.LogWarning("{Scope}/{Stream}: cut a torn tail of {Bytes} bytes off the journal", scope, stream, tornBytes);

        var now = options.Clock();
        var ends = segments.Select(s => s.End).ToArray();
        var replayed = new List<(Transaction, long)>();
        foreach (var (entry, end) in scan.Commits)
        {
            foreach (var ct in entry.Transactions)
            {
                committed[ct.TxnId] = entry.TimestampMs;
                var key = JournalFrame.IdOf(ct.TxnId);
                var hasData = scan.Data.Remove(key, out var data);
                if (end <= checkpoint.JournalPosition) continue; // merged and fsynced before the checkpoint
                if (!hasData && ct.Merges.Count > 0)
                    throw new InvalidDataException($"{scope}/{stream}: committed transaction {ct.TxnId} must be replayed but its events are not in the journal");
                var txn = new Transaction(key, config.Segments, options.DefaultLeaseMs, now);
                if (hasData) txn.AddEvents(data.Events, data.FirstFrame);
                foreach (var m in ct.Merges)
                    if (ends[m.Segment] != m.Target)
                        throw new InvalidDataException($"{scope}/{stream}: replay of {ct.TxnId} expects segment {m.Segment} at {m.Target}, it is at {ends[m.Segment]}");
                TransactionMerger.Merge(txn, ct, entry.TimestampMs, journal, segments);
                foreach (var m in ct.Merges) ends[m.Segment] += m.Bytes;
                txn.Phase = TransactionPhase.Committed;
                replayed.Add((txn, entry.TimestampMs));
            }
        }
        for (var s = 0; s < segments.Length; s++) segments[s].Publish(ends[s]);
        if (replayed.Count > 0)
            log.LogInformation("{Scope}/{Stream}: replayed {Count} commit(s) after the checkpoint", scope, stream, replayed.Count);

        var heads = HeadOffsets.LoadOrZero(paths.HeadFile, config.Segments);
        for (var s = 0; s < heads.Length; s++) heads[s] = Math.Min(heads[s], ends[s]);

        var store = new StreamStore(scope, stream, paths, config, segments, journal, committedIds, heads, options, log)
        {
            _committedLogEnd = journal.End,
            _durableLogEnd = checkpoint.JournalPosition,
            _lastCheckpointMs = now,
        };
        foreach (var (id, at) in committed) store._committed[id] = at;
        var open = 0;
        foreach (var (key, data) in scan.Data)
        {
            if (committed.ContainsKey(JournalFrame.IdText(key))) continue;
            // The lease is not persisted: a transaction that survives a restart gets a fresh default lease, time for its
            // writer to reconnect and commit.
            var txn = new Transaction(key, config.Segments, options.DefaultLeaseMs, now);
            txn.AddEvents(data.Events, data.FirstFrame);
            store._open[txn.Id] = txn;
            open++;
        }
        store._mergedSinceCheckpoint.AddRange(replayed);
        if (open > 0) log.LogInformation("{Scope}/{Stream}: {Count} open transaction(s) recovered", scope, stream, open);
        return store;
    }
}
