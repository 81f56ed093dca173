using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Upgrades a stream written by the older layout (<c>txns/{id}.txn</c> per transaction, <c>commits.log</c>, checkpoint
/// without a version) to the journal layout, once, at start-up: committed ids go to <c>committed.log</c>, open
/// transactions' events into the journal, then a version-2 checkpoint is saved and the old files are removed. Commits
/// the old version never checkpointed are not replayed here: such a directory is refused with what to do.
/// </summary>
internal static class LegacyLayout
{
    /// <summary>Returns the stream's (version-2) checkpoint, upgrading the directory first when it is in the older layout.</summary>
    public static Checkpoint UpgradeIfNeeded(StreamPaths paths, StreamConfig config, StoreOptions options, ILogger log)
    {
        var hasCheckpoint = File.Exists(paths.CheckpointFile);
        var checkpoint = Checkpoint.LoadOrEmpty(paths.CheckpointFile, config.Segments, config.FilesRequired);
        var legacyLog = File.Exists(paths.LegacyCommitLogFile);
        if (hasCheckpoint && checkpoint.Version == Checkpoint.CurrentVersion)
        {
            if (legacyLog || Directory.Exists(paths.LegacyTransactionsDirectory)) RemoveLegacyFiles(paths); // an upgrade stopped short of this
            return checkpoint;
        }
        if (!legacyLog)
        {
            if (hasCheckpoint && checkpoint.Version == 1)
                throw new DataLayoutException(
                    $"{paths.CheckpointFile} is a checkpoint of the older layout, but its commit log {paths.LegacyCommitLogFile} is missing " +
                    "(the older gateway always kept one): without it the stream's committed transactions are unknown. Put commits.log back, then start the gateway");
            if (hasCheckpoint)
                throw new DataLayoutException($"{paths.CheckpointFile} has version {checkpoint.Version}, which this gateway does not know (it writes version {Checkpoint.CurrentVersion})");
            return checkpoint;
        }

        var entries = CommitLog.Read(paths.LegacyCommitLogFile);
        var covered = checkpoint.CommitLogOffset ?? 0;
        var pending = entries.Count(e => e.EndOffset > covered);
        if (pending > 0)
            throw new DataLayoutException(
                $"{paths.Directory} was written by an older gateway and has {pending} commit(s) that were not checkpointed (it was killed, not stopped): " +
                "start the older version on this data directory once and stop it with SIGTERM (it replays and checkpoints them), then start this version");

        var committed = new Dictionary<string, long>();
        foreach (var (entry, _) in entries)
            foreach (var txn in entry.Transactions) committed[txn.TxnId] = entry.TimestampMs;

        // Leftovers of an upgrade interrupted before its checkpoint: start over.
        if (Directory.Exists(paths.JournalDirectory)) Directory.Delete(paths.JournalDirectory, recursive: true);
        File.Delete(paths.CommittedIdsFile);

        var open = 0;
        using (var journal = Journal.Open(paths.JournalDirectory, options.JournalFileBytes, expectedEnd: 0, create: true, static (_, _, _) => { }, out _))
        {
            if (Directory.Exists(paths.LegacyTransactionsDirectory))
                foreach (var path in Directory.EnumerateFiles(paths.LegacyTransactionsDirectory, "*" + StreamPaths.LegacyTransactionFileExtension))
                {
                    var id = Path.GetFileNameWithoutExtension(path);
                    if (committed.ContainsKey(id) || !Guid.TryParseExact(id, "N", out var key)) continue;
                    CopyEvents(path, key, journal);
                    open++;
                }
            journal.Sync();
        }
        using (var ids = CommittedIds.Open(paths.CommittedIdsFile, static (_, _) => { }, create: true))
            ids.Append(committed.Select(c => (c.Key, c.Value)));
        (checkpoint with { JournalPosition = 0, CommitLogOffset = null, Version = Checkpoint.CurrentVersion }).Save(paths.CheckpointFile);
        RemoveLegacyFiles(paths);
        log.LogWarning("{Dir}: upgraded from per-transaction files to the journal ({Committed} committed id(s), {Open} open transaction(s) carried over)",
            paths.Directory, committed.Count, open);
        return Checkpoint.LoadOrEmpty(paths.CheckpointFile, config.Segments);
    }

    /// <summary>An older transaction file holds frames of <c>[i32 segment][event]</c>; a torn tail was never acknowledged.</summary>
    private static void CopyEvents(string path, Guid key, Journal journal)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        FrameScanner.Scan(file, 0, (_, _, payload) =>
        {
            var evt = payload[4..];
            var frame = new byte[JournalFrame.DataFrameSize(evt.Length)];
            JournalFrame.EncodeFixedSegmentData(frame, key, BinaryPrimitives.ReadInt32LittleEndian(payload), evt);
            journal.Append(frame);
        });
    }

    private static void RemoveLegacyFiles(StreamPaths paths)
    {
        if (Directory.Exists(paths.LegacyTransactionsDirectory)) Directory.Delete(paths.LegacyTransactionsDirectory, recursive: true);
        File.Delete(paths.LegacyCommitLogFile);
        DurableFiles.SyncDirectory(paths.Directory);
    }
}
