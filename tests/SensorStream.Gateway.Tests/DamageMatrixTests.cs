using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Hosting;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;
using static SensorStream.Gateway.Tests.JournalFilesTests; // Options (8 KiB journal files), Batch, Sequences

namespace SensorStream.Gateway.Tests;

/// <summary>
/// One data directory, written once (<see cref="DamageMatrixFixture"/>: a checkpoint, commits only the journal holds,
/// an open transaction pinning the journal files after the first checkpoint, a moved head; copied while the gateway ran, as a crash leaves
/// it), copied per case and damaged: every file kind × delete / truncate / flip one byte / garbage / zero length. Each
/// case: start-up refuses naming a file of the stream (or keeps every event and status), <c>verify</c> exits 3 on
/// every refusal, and <c>salvage</c> copies what is intact and lists every committed id it could not carry over.
/// </summary>
public sealed class DamageMatrixTests(DamageMatrixFixture fixture) : IClassFixture<DamageMatrixFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "stream.json", "checkpoint.json", "head.json", "committed.log", "journal-oldest", "journal-middle", "journal-newest", "deleted-before", "segment" })
            foreach (var op in new[] { "delete", "truncate", "flip", "garbage", "zero" })
                data.Add(file, op);
        return data;
    }

    private static string PathOf(string file, string streamDir)
    {
        var journals = JournalFile.All(streamDir);
        return file switch
        {
            "journal-oldest" => journals[0],
            "journal-middle" => journals[journals.Length / 2],
            "journal-newest" => journals[^1],
            "deleted-before" => Path.Combine(streamDir, "journal", "deleted-before"),
            "segment" => Path.Combine(streamDir, "segments", "0.seg"),
            _ => Path.Combine(streamDir, file),
        };
    }

    private static void Damage(string path, string op)
    {
        var length = new FileInfo(path).Length;
        switch (op)
        {
            case "delete": File.Delete(path); break;
            case "truncate": using (var f = new FileStream(path, FileMode.Open)) f.SetLength(length / 2); break;
            case "flip": DamageTests.Flip(path, length / 2); break;
            case "zero": using (var f = new FileStream(path, FileMode.Open)) f.SetLength(0); break;
            case "garbage" when path.EndsWith(".json", StringComparison.Ordinal) || path.EndsWith("deleted-before", StringComparison.Ordinal):
                File.WriteAllText(path, "{\"not\": \"what the gateway writes");
                break;
            case "garbage":
            {
                var garbage = new byte[300];
                new Random(7).NextBytes(garbage);
                garbage[0] = 0x20; garbage[1] = garbage[2] = garbage[3] = 0; // a plausible length: the CRC rejects it
                using var f = new FileStream(path, FileMode.Append);
                f.Write(garbage);
                break;
            }
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var code = GatewayTools.Run(args, output, output);
        return (code, output.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_damage_is_refused_naming_the_file_verified_and_salvaged_with_every_loss_listed(string file, string op)
    {
        using var dir = new TempDirectory();
        DamageMatrixFixture.CopyTree(fixture.BaseDir, dir.Path);
        var streamDir = Path.Combine(dir.Path, "scopes", "d", "s");
        var damaged = PathOf(file, streamDir);
        Damage(damaged, op);

        var (verifyCode, verifyOutput) = Run("verify", dir.Path);
        using var salvaged = new TempDirectory();
        var (salvageCode, salvageOutput) = Run("salvage", dir.Path, salvaged.Path);
        var context = $"{file} {op}:\nverify {verifyCode}: {verifyOutput}\nsalvage {salvageCode}: {salvageOutput}";

        StorageDamageException? refusal = null;
        try
        {
            await using var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance);
            var stream = store.Stream("d", "s");
            List<long> sequences;
            try
            {
                sequences = Sequences(stream);
            }
            catch (StorageDamageException e)
            {
                // A damaged segment keeps serving up to the damage; verify found it.
                Assert.True(verifyCode == 3 && verifyOutput.Contains($"DAMAGED {e.File} at byte {e.Offset}", StringComparison.Ordinal), context + "\nread: " + e.Message);
                sequences = fixture.Sequences;
            }
            Assert.True(fixture.Sequences.SequenceEqual(sequences), context);
            Assert.All(fixture.Committed, id => Assert.Equal(TransactionPhase.Committed, stream.Status(id)));
        }
        catch (StorageDamageException e)
        {
            refusal = e;
        }
        if (refusal is not null)
        {
            Assert.StartsWith(streamDir, refusal.File);
            Assert.Contains($"{refusal.File} is damaged at byte {refusal.Offset}: ", refusal.Message);
            Assert.True(verifyCode == 3, context + "\nrefusal: " + refusal.Message);
            Assert.True(verifyOutput.Contains($"DAMAGED {refusal.File} at byte", StringComparison.Ordinal), context + "\nrefusal: " + refusal.Message);
        }

        // Salvage: exit 3 exactly when verify found damage; the new directory verifies, holds each intact event at most
        // once, and every committed id is COMMITTED there or listed as lost.
        Assert.True(salvageCode == (verifyCode == 0 ? 0 : 3), context);
        Assert.Equal(0, Run("verify", salvaged.Path).Code);
        await using (var store = GatewayStore.Open(Options(salvaged.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("d", "s");
            var kept = Sequences(stream);
            Assert.Equal(kept.Count, kept.Distinct().Count());
            Assert.Empty(kept.Except(fixture.Sequences));
            if (kept.Count < fixture.Sequences.Count) Assert.True(salvageOutput.Contains("LOST", StringComparison.Ordinal), context);
            foreach (var id in fixture.Committed)
                Assert.True(stream.Status(id) == TransactionPhase.Committed || salvageOutput.Contains(id, StringComparison.Ordinal) ||
                            salvageOutput.Contains("no id survives", StringComparison.Ordinal), $"{id} neither salvaged nor listed\n{context}");
        }
    }
}

/// <summary>The data directory every <see cref="DamageMatrixTests"/> case copies, and what recovery reads from it intact.</summary>
public sealed class DamageMatrixFixture : IAsyncLifetime
{
    private readonly TempDirectory _live = new();
    private readonly TempDirectory _base = new();

    public string BaseDir => _base.Path;
    public List<long> Sequences { get; private set; } = [];
    public List<string> Committed { get; } = [];

    public async Task InitializeAsync()
    {
        await using (var store = GatewayStore.Open(Options(_live.Path), NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("d");
            await store.CreateStreamAsync("d", "s", new StreamConfig(2));
            var stream = store.Stream("d", "s");
            for (var t = 0; t < 16; t++)
            {
                if (t == 3)
                {
                    // After the first checkpoint deleted journal files: its write keeps the journal from here on alive.
                    var pinned = stream.Begin(0).Id;
                    await stream.AppendAsync(pinned, Batch("p", 1000, 1), CancellationToken.None);
                }
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, Batch("k" + t % 4, t * 4, 4), CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
                Committed.Add(txn);
                if (t is 2 or 5) await stream.CheckpointAsync(force: true);
                if (t == 5) stream.Truncate([stream.Segments[0].ReadHeader(0).FrameSize, 0]);
            }
            // A crash: the copy holds commits after the checkpoint only in the journal (and unsynced segment bytes).
            CopyTree(_live.Path, _base.Path);
        }
        using var check = new TempDirectory();
        CopyTree(_base.Path, check.Path);
        await using (var store = GatewayStore.Open(Options(check.Path), NullLoggerFactory.Instance))
            Sequences = JournalFilesTests.Sequences(store.Stream("d", "s"));
        Assert.Equal(16 * 4 - 1, Sequences.Count); // the head moved past one event
        Assert.True(JournalFile.All(Path.Combine(_base.Path, "scopes", "d", "s")).Length >= 4);
        Assert.True(File.Exists(Path.Combine(_base.Path, "scopes", "d", "s", "journal", "deleted-before")));
    }

    /// <summary>Copies the directory tree <paramref name="from"/> into <paramref name="to"/> (created), leaving out a data directory's lock file.</summary>
    internal static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            if (Path.GetFileName(file) != DataDirectoryLock.FileName)
                File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public Task DisposeAsync()
    {
        _live.Dispose();
        _base.Dispose();
        return Task.CompletedTask;
    }
}
