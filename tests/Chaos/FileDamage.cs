namespace SensorStream.Chaos;

/// <summary>
/// Seeded random damage to files of a component while its process is down — what failing SD cards, full disks and
/// careless operators do: bytes flipped, a file truncated, deleted, or replaced by an older copy. The same seed gives
/// the same damage. Every damaged gateway file is kept in a backup so a gateway that (rightly) refuses to start can be
/// repaired and the run go on.
/// </summary>
public sealed class FileDamage(int seed, string edgeDir, string gatewayDir, string backupDir)
{
    private readonly Random _random = new(unchecked(seed * 31 + 7));
    private string? _olderEdgeCopy;

    /// <summary>The queue database path the collector uses (LocalPipeline's layout).</summary>
    public string EdgeQueue => Path.Combine(edgeDir, "queue.db");

    /// <summary>Damages the collector's queue (it must be down) and says what was done, in one line.</summary>
    public string DamageEdgeQueue()
    {
        var db = EdgeQueue;
        // The copy a careless restore would bring back next time: this moment's database, as it is at rest.
        var snapshot = Path.Combine(backupDir, $"queue-{DateTime.UtcNow:HHmmssfff}.db");
        Directory.CreateDirectory(backupDir);
        foreach (var suffix in new[] { "", "-wal" })
            if (File.Exists(db + suffix)) File.Copy(db + suffix, snapshot + suffix);
        var older = _olderEdgeCopy;
        _olderEdgeCopy = snapshot;
        string[] kinds = older is null ? ["flip", "truncate-wal", "delete"] : ["flip", "truncate-wal", "delete", "older-copy"];
        switch (kinds[_random.Next(kinds.Length)])
        {
            case "delete":
                foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(db + suffix);
                return $"deleted {db} (and its -wal)";
            case "older-copy":
                foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(db + suffix);
                foreach (var suffix in new[] { "", "-wal" })
                    if (File.Exists(older + suffix)) File.Copy(older + suffix, db + suffix);
                return $"replaced {db} by the older copy {older}";
            case "truncate-wal" when File.Exists(db + "-wal") && new FileInfo(db + "-wal").Length > 0:
                var wal = db + "-wal";
                var length = new FileInfo(wal).Length;
                var keep = _random.NextInt64(length);
                using (var stream = new FileStream(wal, FileMode.Open)) stream.SetLength(keep);
                return $"truncated {wal} from {length} to {keep} bytes";
            default:
                var target = File.Exists(db + "-wal") && new FileInfo(db + "-wal").Length > 0 && _random.Next(2) == 0 ? db + "-wal" : db;
                return Flip(target);
        }
    }

    /// <summary>Damages one random file of the gateway's data directory (it must be down); the original is kept for <see cref="Repair"/>.</summary>
    public (string Description, string File, string Backup) DamageGatewayFile()
    {
        var files = Directory.EnumerateFiles(gatewayDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Where(f => new FileInfo(f).Length > 0).ToList();
        var file = files[_random.Next(files.Count)];
        var backup = Path.Combine(backupDir, "gateway-" + Path.GetRelativePath(gatewayDir, file).Replace(Path.DirectorySeparatorChar, '_'));
        Directory.CreateDirectory(backupDir);
        File.Copy(file, backup, overwrite: true);
        var length = new FileInfo(file).Length;
        switch (_random.Next(4))
        {
            case 0:
                File.Delete(file);
                return ($"deleted {file}", file, backup);
            case 1:
                var keep = _random.NextInt64(length);
                using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(keep);
                return ($"truncated {file} from {length} to {keep} bytes", file, backup);
            case 2:
                var garbage = new byte[Math.Min(length, 64)];
                _random.NextBytes(garbage);
                var at = _random.NextInt64(length - garbage.Length + 1);
                using (var stream = new FileStream(file, FileMode.Open)) { stream.Position = at; stream.Write(garbage); }
                return ($"overwrote {garbage.Length} bytes of {file} at offset {at} with garbage", file, backup);
            default:
                return (Flip(file), file, backup);
        }
    }

    /// <summary>Puts the original back (after a gateway refused to start on the damaged one).</summary>
    public static void Repair(string file, string backup) => File.Copy(backup, file, overwrite: true);

    private string Flip(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var flips = 1 + _random.Next(8);
        var offsets = new List<long>();
        for (var i = 0; i < flips; i++)
        {
            var at = _random.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << _random.Next(8));
            offsets.Add(at);
        }
        File.WriteAllBytes(file, bytes);
        return $"flipped {flips} bits of {file} at offsets {string.Join(", ", offsets)}";
    }
}
