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
        Directory.CreateDirectory(paths.TransactionsDirectory);
        DurableFiles.SyncDirectory(paths.Directory);
        config.Save(paths.ConfigFile);
        DurableFiles.SyncDirectory(Path.GetDirectoryName(paths.Directory)!);
        return Open(scope, stream, paths, options, log);
    }

    /// <summary>
    /// Opens a stream and recovers it: segments are cut back to the last checkpoint (dropping torn tails and merges
    /// that were not fsynced), the commit log's torn tail is cut, every commit after the checkpoint is replayed at
    /// the offsets its entry recorded, transaction files that were never committed come back as open transactions,
    /// and files already merged are deleted.
    /// </summary>
    public static StreamStore Open(string scope, string stream, StreamPaths paths, StoreOptions options, ILogger log)
    {
        var config = StreamConfig.Load(paths.ConfigFile);
        Directory.CreateDirectory(paths.SegmentsDirectory);
        Directory.CreateDirectory(paths.TransactionsDirectory);
        var checkpoint = Checkpoint.LoadOrEmpty(paths.CheckpointFile, config.Segments);
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

        var commitLog = CommitLog.Open(paths.CommitLogFile, out var entries, out var tornBytes);
        if (tornBytes > 0) log.LogWarning("{Scope}/{Stream}: cut a torn tail of {Bytes} bytes off the commit log", scope, stream, tornBytes);
        var committed = new Dictionary<string, long>();
        foreach (var (entry, _) in entries)
            foreach (var txn in entry.Transactions) committed[txn.TxnId] = entry.TimestampMs;
        var toReplay = entries.Where(e => e.EndOffset > checkpoint.CommitLogOffset).Select(e => e.Entry).ToList();
        var replayIds = toReplay.SelectMany(e => e.Transactions).Select(t => t.TxnId).ToHashSet();

        var now = options.Clock();
        var open = new Dictionary<string, Transaction>();
        var replay = new Dictionary<string, Transaction>();
        foreach (var path in Directory.EnumerateFiles(paths.TransactionsDirectory))
        {
            if (!path.EndsWith(StreamPaths.TransactionFileExtension, StringComparison.Ordinal))
            {
                File.Delete(path); // leftovers of an interrupted atomic write
                continue;
            }
            var id = Path.GetFileNameWithoutExtension(path);
            if (committed.ContainsKey(id) && !replayIds.Contains(id))
            {
                File.Delete(path); // merged and covered by the checkpoint: its deletion was interrupted
                continue;
            }
            var file = TransactionFile.Open(path, out var events);
            // The lease is not persisted: a transaction that survives a restart gets a fresh default lease, time for its
            // writer to reconnect and commit.
            var txn = new Transaction(id, file, config.Segments, options.DefaultLeaseMs, now);
            txn.AddEvents(events);
            (replayIds.Contains(id) ? replay : open)[id] = txn;
        }

        var ends = segments.Select(s => s.End).ToArray();
        foreach (var entry in toReplay)
        {
            foreach (var ct in entry.Transactions)
            {
                if (!replay.TryGetValue(ct.TxnId, out var txn))
                    throw new InvalidDataException($"{scope}/{stream}: committed transaction {ct.TxnId} must be replayed but its file is missing");
                foreach (var m in ct.Merges)
                    if (ends[m.Segment] != m.Target)
                        throw new InvalidDataException($"{scope}/{stream}: replay of {ct.TxnId} expects segment {m.Segment} at {m.Target}, it is at {ends[m.Segment]}");
                TransactionMerger.Merge(txn, ct, entry.TimestampMs, segments);
                foreach (var m in ct.Merges) ends[m.Segment] += m.Bytes;
                txn.Phase = TransactionPhase.Committed;
            }
        }
        for (var s = 0; s < segments.Length; s++) segments[s].Publish(ends[s]);
        if (toReplay.Count > 0)
            log.LogInformation("{Scope}/{Stream}: replayed {Count} commit(s) after the checkpoint", scope, stream, replay.Count);

        var heads = HeadOffsets.LoadOrZero(paths.HeadFile, config.Segments);
        for (var s = 0; s < heads.Length; s++) heads[s] = Math.Min(heads[s], ends[s]);

        var store = new StreamStore(scope, stream, paths, config, segments, commitLog, heads, options, log)
        {
            _committedLogEnd = commitLog.End,
        };
        foreach (var (id, at) in committed) store._committed[id] = at;
        foreach (var (id, txn) in open) store._open[id] = txn;
        store._mergedSinceCheckpoint.AddRange(replay.Values);
        if (open.Count > 0) log.LogInformation("{Scope}/{Stream}: {Count} open transaction(s) recovered", scope, stream, open.Count);
        store.StartPipeline();
        return store;
    }
}
