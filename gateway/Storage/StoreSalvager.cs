using System.Globalization;
using SensorStream.Gateway.Transactions;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// <c>gateway salvage &lt;data-dir&gt; &lt;new-dir&gt;</c>: copies what is provably intact (every frame whose CRC holds)
/// into a new data directory and reports exactly what was lost. Intact streams are copied file by file. A damaged
/// stream is rebuilt. One rule makes the report and the data agree: a transaction whose commit record survives (in the
/// journal) is COMMITTED in the new directory with all its events, or listed lost with none of its events in any
/// segment — when any of its events is damaged, every other event of it is dropped too, also from undamaged segments
/// (a writer that still has it rewrites it; a kept event would be a duplicate). Each segment keeps its original offsets
/// up to the first damaged byte, unexplained byte or event of a lost transaction (stream cuts and event pointers up to
/// there stay valid); the intact events after that point are appended behind it in their order, so offsets after it
/// change (cuts and pointers a reader took there do not carry over; the report names the offset per segment). Events
/// that no surviving commit record explains (the checkpoint, then the journal's commits in order) belong to
/// transactions whose ids are unknown and are counted, not copied. Committed ids are the intact frames of
/// <c>committed.log</c> plus the journal's commits that carry over, minus the lost ones; every other committed, open or
/// record-less id that can be named is listed (sequential ids name the gaps of their run), and one line per stream
/// counts all losses. Damage that no surviving journal commit explains (checkpointed transactions whose journal files
/// are gone; only <c>committed.log</c> has their ids) is tied to transactions by commit time
/// (<see cref="SalvageCommitTimes"/>): every transaction committed at a time the damaged bytes may hold is lost, its id
/// and all its events. The journal starts empty.
/// </summary>
public static class StoreSalvager
{
    /// <summary>Salvages <paramref name="source"/> into <paramref name="target"/> (must not exist or be empty); returns the report lines and whether anything was lost.</summary>
    public static (List<string> Report, bool Lost) Salvage(string source, string target)
    {
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new IOException($"{target} is not empty: salvage writes a new data directory");
        var report = new List<string>();
        var lost = false;
        var scopes = Path.Combine(source, "scopes");
        if (!Directory.Exists(scopes)) throw new IOException($"{source} has no scopes folder: not a gateway data directory");
        var options = new StoreOptions { DataDirectory = target };
        foreach (var scopeDir in Directory.EnumerateDirectories(scopes).Order(StringComparer.Ordinal))
        {
            var scope = Path.GetFileName(scopeDir);
            if (NameRules.Problem(scope, "scope") is not null) continue;
            DurableFiles.CreateDirectory(Path.Combine(target, "scopes", scope));
            foreach (var streamDir in Directory.EnumerateDirectories(scopeDir).Order(StringComparer.Ordinal))
            {
                var stream = Path.GetFileName(streamDir);
                if (NameRules.Problem(stream, "stream") is not null) continue;
                var name = $"{scope}/{stream}";
                var into = Path.Combine(target, "scopes", scope, stream);
                var findings = StoreVerifier.VerifyStream(name, new StreamPaths(streamDir));
                if (!findings.Any(f => f.IsDamage))
                {
                    CopyTree(streamDir, into);
                    report.Add($"{name}: intact, copied");
                    continue;
                }
                lost = true;
                foreach (var f in findings.Where(f => f.IsDamage)) report.Add($"{name}: {f}");
                Rebuild(name, new StreamPaths(streamDir), into, options, report);
            }
        }
        return (report, lost);
    }

    private static void Rebuild(string name, StreamPaths from, string into, StoreOptions options, List<string> report)
    {
        StreamConfig config;
        try
        {
            config = StreamConfig.Load(from.ConfigFile);
        }
        catch (StorageDamageException)
        {
            var count = Directory.Exists(from.SegmentsDirectory)
                ? Directory.EnumerateFiles(from.SegmentsDirectory, "*.seg").Select(p => int.TryParse(Path.GetFileNameWithoutExtension(p), out var n) ? n + 1 : 0).DefaultIfEmpty(1).Max()
                : 1;
            config = new StreamConfig(count);
            report.Add($"{name}: stream.json unreadable: {count} segment(s) from the segment files, retention none (set it again with UpdateStream)");
        }
        var checkpoint = Checkpoint.Empty(config.Segments);
        var checkpointKnown = true;
        var heads = new long[config.Segments];
        try
        {
            StreamStore.CheckOlderFileSet(from, config);
            checkpoint = Checkpoint.LoadOrEmpty(from.CheckpointFile, config.Segments, config.FilesRequired);
        }
        catch (StorageDamageException)
        {
            checkpointKnown = false;
            report.Add($"{name}: checkpoint.json unreadable or missing: each segment is kept up to the first commit the journal still holds (the data before it is taken as checkpointed)");
        }
        try { heads = HeadOffsets.LoadOrZero(from.HeadFile, config.Segments, config.FilesRequired); } catch (StorageDamageException) { report.Add($"{name}: head.json unreadable or missing: the head is the start of each segment"); }

        // Committed ids: intact committed.log frames, plus journal commits whose events the salvaged segments hold.
        var committed = new Dictionary<string, long>();
        var seen = new HashSet<Guid>(); // every id any intact record names: the rest of a run of sequential ids left no record
        long? latestCheckpointedMs = null; // the latest commit time committed.log records, when it is wholly intact
        if (File.Exists(from.CommittedIdsFile))
        {
            using var ids = File.OpenHandle(from.CommittedIdsFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var bad = FrameScanner.ScanAll(ids, 0, (offset, _, payload) =>
            {
                try
                {
                    CommittedIds.Read(from.CommittedIdsFile, offset, payload, (id, at) =>
                    {
                        committed[JournalFrame.IdText(id)] = at;
                        seen.Add(id);
                        latestCheckpointedMs = Math.Max(latestCheckpointedMs ?? long.MinValue, at);
                    });
                }
                catch (StorageDamageException) { } // an intact frame of another format: its ids are not known
            });
            if (bad.Count > 0)
            {
                latestCheckpointedMs = null; // the lost frames may hold later commit times
                report.Add($"{name}: committed.log: LOST byte range(s) {string.Join(", ", bad.Select(r => $"{r.Start}..{r.End}"))}: an id recorded only there answers UNKNOWN (listed below where a later id of their run survives; ids whose commit the journal still holds are recovered from it and stay COMMITTED); the events of an UNKNOWN one stay in the segments, so a writer that rewrites it duplicates them");
            }
        }
        else report.Add($"{name}: committed.log missing: the ids of transactions committed before the checkpoint answer UNKNOWN (listed below where a later id of their run survives); their events stay in the segments, so a writer that rewrites them duplicates them");
        var scan = ScanJournal(from, seen);

        var explained = Explained(scan, checkpoint, checkpointKnown, config.Segments);
        var staging = into + ".salvage";
        StreamStore.CreateLayout(staging, config, options);
        var to = new StreamPaths(staging);

        // Each segment: its intact prefix (up to the first damage), the intact ranges after it, and how far surviving
        // commit records explain it.
        var segments = new SegmentState?[config.Segments];
        var edges = new SalvageCommitTimes.SegmentEdges?[config.Segments];
        for (var s = 0; s < config.Segments; s++)
        {
            if (!File.Exists(from.SegmentFile(s)))
            {
                report.Add($"{name}: segment {s}: file missing, every event of it lost");
                continue;
            }
            using var input = File.OpenHandle(from.SegmentFile(s), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var length = RandomAccess.GetLength(input);
            heads[s] = Math.Min(heads[s], length);
            var edge = edges[s] = new SalvageCommitTimes.SegmentEdges(heads[s]);
            var prefix = FrameScanner.Scan(input, heads[s], edge.Visit);
            segments[s] = new SegmentState(heads[s], prefix, length, Math.Min(length, explained[s]),
                prefix < length ? FrameScanner.ScanAll(input, prefix, edge.Visit) : []);
            edge.Finish();
        }

        // Damaged bytes that no surviving journal commit explains hold events of checkpointed transactions whose ids only
        // committed.log has, and no segment record names its transaction: they are tied to transactions by commit time.
        var times = new SalvageCommitTimes();
        var covered = new List<(long Start, long End)>[config.Segments];
        for (var s = 0; s < config.Segments; s++) covered[s] = [];
        foreach (var m in scan.Commits.SelectMany(c => c.Entry.Transactions).SelectMany(t => t.Merges))
            if (m.Segment >= 0 && m.Segment < covered.Length) covered[m.Segment].Add((m.Target, m.Target + m.Bytes));
        for (var s = 0; s < config.Segments; s++)
        {
            if (segments[s] is not { } state) continue;
            foreach (var (start, end) in state.Skipped)
            {
                if (start >= state.Explained || Covers(covered[s], start, Math.Min(end, state.Explained))) continue;
                var (low, high, why) = times.AddRange(edges[s]!, start, end, checkpointKnown ? checkpoint.SegmentEnds[s] : -1, latestCheckpointedMs);
                report.Add($"{name}: segment {s}: damaged byte range {start}..{end} holds events no surviving journal record names (checkpointed transactions: segment records carry a commit time, not an id): " +
                           $"they were committed from {SalvageCommitTimes.Text(low)} to {SalvageCommitTimes.Text(high)} (Unix ms; {why}), so every transaction committed then is lost, with all its events in every segment");
            }
        }

        // A journal commit carries over exactly when every event it merged (in any segment) survives; otherwise it is
        // listed lost and none of its events is copied, in any segment (a writer that still has it rewrites it; keeping
        // any of them would duplicate them). This holds for ids in committed.log too: an id is COMMITTED in the salvaged
        // directory only with all its events.
        var lostTxns = new List<string>();
        var lostByTime = new List<string>();
        var dropped = new List<(long Start, long End)>[config.Segments];
        for (var s = 0; s < config.Segments; s++) dropped[s] = [];
        foreach (var (entry, end) in scan.Commits)
            foreach (var ct in entry.Transactions)
            {
                scan.Data.Remove(JournalFrame.IdOf(ct.TxnId));
                var holds = ct.Merges.All(m => m.Segment >= 0 && m.Segment < segments.Length && segments[m.Segment] is { } state && state.Holds(m));
                if (holds && !times.Contains(entry.TimestampMs))
                {
                    committed.TryAdd(ct.TxnId, entry.TimestampMs);
                    continue;
                }
                committed.Remove(ct.TxnId);
                (holds ? lostByTime : lostTxns).Add(ct.TxnId);
                foreach (var m in ct.Merges.Where(m => m.Segment >= 0 && m.Segment < dropped.Length)) dropped[m.Segment].Add((m.Target, m.Target + m.Bytes));
            }

        foreach (var id in committed.Where(c => times.Contains(c.Value)).Select(c => c.Key).ToList())
        {
            committed.Remove(id);
            lostByTime.Add(id);
        }

        // Each segment keeps its original offsets up to the first damage, unexplained byte or event of a lost
        // transaction (stream cuts up to there stay valid); the intact, explained events of carried-over transactions
        // after that point are appended behind it in order (cuts after it do not carry over).
        var ends = new long[config.Segments];
        long unknownEvents = 0;
        for (var s = 0; s < config.Segments; s++)
        {
            if (segments[s] is not { } state) continue;
            var firstDropped = dropped[s].Where(r => r.End > state.Head).Select(r => r.Start).DefaultIfEmpty(long.MaxValue).Min();
            using var input = File.OpenHandle(from.SegmentFile(s), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (times.Any)
                FrameScanner.Scan(input, state.Head, (offset, _, payload) =>
                {
                    if (offset < firstDropped && IsSuspect(times, payload)) firstDropped = offset;
                });
            var kept = Math.Max(state.Head, Math.Min(Math.Min(state.Prefix, state.Explained), firstDropped));
            using var output = File.OpenHandle(to.SegmentFile(s), FileMode.Open, FileAccess.Write);
            Copy(input, output, state.Head, kept);
            ends[s] = kept;
            if (kept == state.Length)
            {
                report.Add($"{name}: segment {s}: all {state.Length - state.Head} byte(s) from the head at {state.Head} kept");
                RandomAccess.FlushToDisk(output);
                continue;
            }
            int appended = 0, ofLost = 0, unexplained = 0;
            FrameScanner.ScanAll(input, kept, (offset, size, payload) =>
            {
                if (offset + size > state.Explained) { unexplained++; return; }
                if (Overlaps(dropped[s], offset, offset + size) || IsSuspect(times, payload)) { ofLost++; return; }
                var frame = new byte[size];
                RecordFrame.WriteHeader(frame, payload);
                payload.CopyTo(frame.AsSpan(RecordFrame.HeaderSize));
                RandomAccess.Write(output, frame, ends[s]);
                ends[s] += size;
                appended++;
            });
            RandomAccess.FlushToDisk(output);
            unknownEvents += unexplained;
            report.Add($"{name}: segment {s}: events at {state.Head}..{kept} kept at their offsets" +
                       (state.Skipped.Count > 0 ? "; LOST byte range(s) " + string.Join(", ", state.Skipped.Select(r => $"{r.Start}..{r.End}")) : "") +
                       (appended > 0 ? $"; {appended} intact event(s) after {kept} appended at {kept}..{ends[s]} (stream cuts and offsets after {kept} in this segment do not carry over)" : "") +
                       (ofLost > 0 ? $"; {ofLost} intact event(s) of committed transactions listed lost below not carried over (a writer that still has them rewrites them)" : "") +
                       (unexplained > 0 ? $"; LOST {unexplained} intact event(s) after {state.Explained} merged by commits whose journal records are missing, so the transactions they belong to are unknown (not carried over: a writer that still has them rewrites them)" : ""));
        }

        if (lostTxns.Count > 0)
            report.Add($"{name}: LOST {lostTxns.Count} committed transaction(s) that lost events to the damage; none of their events is in the salvaged segments (they answer UNKNOWN, a writer that still has them rewrites them): {string.Join(" ", lostTxns)}");
        if (lostByTime.Count > 0)
            report.Add($"{name}: LOST {lostByTime.Count} committed transaction(s) committed at a time a damaged segment range may hold (see above); none of their events is in the salvaged segments (they answer UNKNOWN, a writer that still has them rewrites them): {string.Join(" ", lostByTime)}");
        if (scan.Data.Count > 0)
            report.Add($"{name}: LOST {scan.Data.Count} open transaction(s) (their writes are not carried over; they answer NOT_FOUND): {string.Join(" ", scan.Data.Keys.Select(JournalFrame.IdText))}");
        var unrecorded = Unrecorded(seen);
        if (unrecorded.Count > 0)
            report.Add($"{name}: LOST the record of {unrecorded.Count} transaction id(s) before ids of their run that have one (each was committed, aborted or expired in lost journal bytes or committed.log; they answer UNKNOWN): " +
                       string.Join(" ", unrecorded.Take(MaxListedIds).Select(JournalFrame.IdText)) + (unrecorded.Count > MaxListedIds ? $" … ({unrecorded.Count - MaxListedIds} more)" : ""));
        if (unknownEvents > 0)
            report.Add($"{name}: the {unknownEvents} event(s) without a commit record belong to the id(s) listed above and/or to transactions after the last id with a record, of which no id survives (an id is known only when a later id of its run has a record)");
        report.Add($"{name}: LOST in all: {lostTxns.Count + lostByTime.Count} committed transaction(s) by id, {unrecorded.Count} more id(s) without a record, {unknownEvents} event(s) of unknown transactions, {scan.Data.Count} open transaction(s)");

        long idsEnd;
        using (var ids = CommittedIds.Open(to.CommittedIdsFile, static (_, _) => { }))
        {
            ids.Append(committed.Select(c => (c.Key, c.Value)));
            idsEnd = ids.End;
        }
        new Checkpoint(0, ends) { CommittedIdsEnd = idsEnd }.Save(to.CheckpointFile);
        HeadOffsets.Save(to.HeadFile, heads);
        report.Add($"{name}: rebuilt with {committed.Count} committed id(s)");
        Directory.Move(staging, into);
        DurableFiles.SyncDirectory(Path.GetDirectoryName(into)!);
    }

    /// <summary>
    /// One source segment as salvage finds it: the head, the end of its intact prefix (<see cref="Prefix"/> = the first
    /// damaged byte, or <see cref="Length"/>), how far surviving commit records explain it, and the damaged byte ranges
    /// after the prefix.
    /// </summary>
    private sealed record SegmentState(long Head, long Prefix, long Length, long Explained, List<(long Start, long End)> Skipped)
    {
        /// <summary>
        /// Whether every event of merge <paramref name="m"/> survives: wholly in the intact prefix, or wholly in an intact
        /// range after the damage, and explained by surviving commits. Bytes before the head were released by truncation
        /// or retention, not lost.
        /// </summary>
        public bool Holds(SegmentMerge m)
        {
            var end = m.Target + m.Bytes;
            if (end <= Head) return true;
            if (end > Explained) return false;
            if (end <= Prefix) return true;
            return m.Target >= Prefix && end <= Length && !Overlaps(Skipped, m.Target, end);
        }
    }

    /// <summary>Whether a segment record's payload carries a commit time <paramref name="times"/> holds suspect.</summary>
    private static bool IsSuspect(SalvageCommitTimes times, ReadOnlySpan<byte> payload) =>
        times.Any && payload.Length >= SegmentRecord.TimestampSize && times.Contains(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(payload));

    /// <summary>Whether <paramref name="ranges"/> together cover every byte of [<paramref name="start"/>, <paramref name="end"/>).</summary>
    private static bool Covers(List<(long Start, long End)> ranges, long start, long end)
    {
        foreach (var (from, to) in ranges.OrderBy(r => r.Start))
        {
            if (from > start) break;
            start = Math.Max(start, to);
            if (start >= end) return true;
        }
        return start >= end;
    }

    /// <summary>Whether [<paramref name="start"/>, <paramref name="end"/>) meets any of <paramref name="ranges"/>.</summary>
    private static bool Overlaps(List<(long Start, long End)> ranges, long start, long end) => ranges.Any(r => r.Start < end && start < r.End);

    /// <summary>Most ids listed per line (the count is always complete).</summary>
    private const int MaxListedIds = 1000;

    /// <summary>
    /// Every intact frame of every journal file (damage skipped); the ids each names are added to <paramref name="seen"/>.
    /// </summary>
    private static JournalScan ScanJournal(StreamPaths from, HashSet<Guid> seen)
    {
        var scan = new JournalScan();
        if (!Directory.Exists(from.JournalDirectory)) return scan;
        foreach (var file in Directory.EnumerateFiles(from.JournalDirectory, "*.jnl").Order(StringComparer.Ordinal))
        {
            if (!long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var start)) continue;
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            try
            {
                JournalFileHeader.ScanAll(handle, file, (offset, size, payload) =>
                {
                    try
                    {
                        scan.Visit(start + offset, size, payload);
                        var kind = JournalFrame.KindOf(payload);
                        if (kind == JournalFrameKind.Commit)
                            foreach (var ct in scan.Commits[^1].Entry.Transactions) seen.Add(JournalFrame.IdOf(ct.TxnId));
                        else
                        {
                            seen.Add(JournalFrame.TxnOf(payload));
                            if (kind == JournalFrameKind.Adopt) seen.Add(JournalFrame.StageOf(payload));
                        }
                    }
                    catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException) { }
                });
            }
            catch (StorageDamageException) { } // a journal file whose header is damaged or of an unknown version: its transactions are reported lost
        }
        return scan;
    }

    /// <summary>
    /// How far each segment's bytes are explained by a commit whose record survives: the checkpointed length, then the
    /// journal's commits after the checkpoint in order while each starts where the previous ended. Bytes after a gap were
    /// merged by commits whose records are lost. Without a checkpoint, a segment's bytes before the first commit the
    /// journal holds count as checkpointed (long.MaxValue: no commit, everything intact counts).
    /// </summary>
    private static long[] Explained(JournalScan scan, Checkpoint checkpoint, bool checkpointKnown, int segments)
    {
        var explained = new long[segments];
        var started = new bool[segments];
        var broken = new bool[segments];
        for (var s = 0; s < segments; s++)
        {
            explained[s] = checkpointKnown ? checkpoint.SegmentEnds[s] : long.MaxValue;
            started[s] = checkpointKnown;
        }
        foreach (var (entry, end) in scan.Commits)
        {
            if (checkpointKnown && end <= checkpoint.JournalPosition) continue;
            foreach (var m in entry.Transactions.SelectMany(t => t.Merges))
            {
                if (m.Segment < 0 || m.Segment >= segments || broken[m.Segment]) continue;
                if (!started[m.Segment])
                {
                    started[m.Segment] = true;
                    explained[m.Segment] = m.Target;
                }
                if (m.Target == explained[m.Segment]) explained[m.Segment] += m.Bytes;
                else if (m.Target > explained[m.Segment]) broken[m.Segment] = true;
            }
        }
        return explained;
    }

    /// <summary>Sequential ids (<see cref="SequentialTransactionIds"/>) of a prefix that has records, from counter 1 to the highest with a record, that have none.</summary>
    private static List<Guid> Unrecorded(HashSet<Guid> seen)
    {
        var missing = new List<Guid>();
        var runs = new Dictionary<ulong, Dictionary<ulong, Guid>>();
        foreach (var id in seen)
            if (SequentialTransactionIds.TrySplit(id, out var prefix, out var counter))
            {
                if (!runs.TryGetValue(prefix, out var run)) runs[prefix] = run = [];
                run[counter] = id;
            }
        foreach (var present in runs.Values)
        {
            var any = present.Values.First();
            var high = present.Keys.Max();
            for (var c = 1UL; c < high; c++) // counters start at 1 with each opening of the stream
                if (!present.ContainsKey(c)) missing.Add(SequentialTransactionIds.WithCounter(any, c));
        }
        return missing;
    }

    private static void Copy(Microsoft.Win32.SafeHandles.SafeFileHandle input, Microsoft.Win32.SafeHandles.SafeFileHandle output, long from, long to)
    {
        var buffer = new byte[1024 * 1024];
        RandomAccess.SetLength(output, from); // the released space before the head stays a hole
        for (var at = from; at < to;)
        {
            var n = FrameScanner.ReadFully(input, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - at)), at);
            RandomAccess.Write(output, buffer.AsSpan(0, n), at);
            at += n;
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
