using System.Globalization;
using SensorStream.Gateway.Transactions;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// <c>gateway salvage &lt;data-dir&gt; &lt;new-dir&gt;</c>: copies what is provably intact (every frame whose CRC holds)
/// into a new data directory and reports exactly what was lost. Intact streams are copied file by file. A damaged
/// stream is rebuilt: each segment keeps its intact prefix at the same offsets (stream cuts into it stay valid) and
/// the intact events after a damaged range are appended behind it (cuts after the damage do not carry over); its
/// committed ids are the intact frames of <c>committed.log</c> plus the commits after the checkpoint whose events the
/// salvaged segments hold; the journal starts empty, so open transactions and commits whose events are not in the
/// segments are listed as lost (a writer that still has them rewrites them: their status is UNKNOWN).
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
        var heads = new long[config.Segments];
        try { checkpoint = Checkpoint.LoadOrEmpty(from.CheckpointFile, config.Segments); } catch (StorageDamageException) { }
        try { heads = HeadOffsets.LoadOrZero(from.HeadFile, config.Segments); } catch (StorageDamageException) { report.Add($"{name}: head.json unreadable: the head is the start of each segment"); }

        var staging = into + ".salvage";
        StreamStore.CreateLayout(staging, config, options);
        var to = new StreamPaths(staging);
        var kept = new long[config.Segments]; // how far each segment's original offsets carry over
        var ends = new long[config.Segments];
        for (var s = 0; s < config.Segments; s++)
        {
            if (!File.Exists(from.SegmentFile(s)))
            {
                report.Add($"{name}: segment {s}: file missing, every event of it lost");
                continue;
            }
            using var input = File.OpenHandle(from.SegmentFile(s), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var output = File.OpenHandle(to.SegmentFile(s), FileMode.Open, FileAccess.Write);
            var length = RandomAccess.GetLength(input);
            heads[s] = Math.Min(heads[s], length);
            var prefix = FrameScanner.Scan(input, heads[s], null);
            Copy(input, output, heads[s], prefix);
            kept[s] = ends[s] = prefix;
            if (prefix == length)
            {
                report.Add($"{name}: segment {s}: all {length - heads[s]} byte(s) from the head at {heads[s]} kept");
                continue;
            }
            var appended = 0;
            var skipped = FrameScanner.ScanAll(input, prefix, (_, size, payload) =>
                {
                    var frame = new byte[size];
                    RecordFrame.WriteHeader(frame, payload);
                    payload.CopyTo(frame.AsSpan(RecordFrame.HeaderSize));
                    RandomAccess.Write(output, frame, ends[s]);
                    ends[s] += size;
                    appended++;
                });
            report.Add($"{name}: segment {s}: events at {heads[s]}..{prefix} kept at their offsets; LOST byte range(s) " +
                       string.Join(", ", skipped.Select(r => $"{r.Start}..{r.End}")) +
                       (appended > 0 ? $"; {appended} intact event(s) after the damage appended at {prefix}..{ends[s]} (stream cuts after {prefix} do not carry over)" : ""));
            RandomAccess.FlushToDisk(output);
        }

        // Committed ids: intact committed.log frames, plus journal commits whose events the salvaged segments hold.
        var committed = new Dictionary<string, long>();
        if (File.Exists(from.CommittedIdsFile))
        {
            using var ids = File.OpenHandle(from.CommittedIdsFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var bad = FrameScanner.ScanAll(ids, 0, (offset, _, payload) =>
            {
                try { CommittedIds.Read(from.CommittedIdsFile, offset, payload, (id, at) => committed[JournalFrame.IdText(id)] = at); }
                catch (StorageDamageException) { } // an intact frame of another format: its ids are not known
            });
            if (bad.Count > 0)
                report.Add($"{name}: committed.log: LOST byte range(s) {string.Join(", ", bad.Select(r => $"{r.Start}..{r.End}"))}: ids in them answer UNKNOWN");
        }
        var scan = new JournalScan();
        if (Directory.Exists(from.JournalDirectory))
            foreach (var file in Directory.EnumerateFiles(from.JournalDirectory, "*.jnl").Order(StringComparer.Ordinal))
            {
                if (!long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var start)) continue;
                using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                try
                {
                    JournalFileHeader.ScanAll(handle, file, (offset, size, payload) =>
                    {
                        try { scan.Visit(start + offset, size, payload); }
                        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException) { }
                    });
                }
                catch (StorageDamageException) { } // a journal file of an unknown version: its transactions are reported lost below

            }
        var lostTxns = new List<string>();
        foreach (var (entry, end) in scan.Commits)
            foreach (var ct in entry.Transactions)
            {
                scan.Data.Remove(JournalFrame.IdOf(ct.TxnId));
                if (committed.ContainsKey(ct.TxnId)) continue;
                if (ct.Merges.All(m => m.Segment < kept.Length && m.Target + m.Bytes <= kept[m.Segment])) committed[ct.TxnId] = entry.TimestampMs;
                else lostTxns.Add(ct.TxnId);
            }
        if (lostTxns.Count > 0)
            report.Add($"{name}: LOST {lostTxns.Count} committed transaction(s) whose events are only in the journal (they answer UNKNOWN): {string.Join(" ", lostTxns)}");
        if (scan.Data.Count > 0)
            report.Add($"{name}: LOST {scan.Data.Count} open transaction(s) (their writes are not carried over; they answer NOT_FOUND): {string.Join(" ", scan.Data.Keys.Select(JournalFrame.IdText))}");

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
