using System.Text.Json;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Verification;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// The real collector process against the real gateway: samples are delivered, the gateway goes away, more are
/// queued, the collector is SIGKILLed and its queue database damaged; after a restart the stream holds no
/// duplicate, and its gap (as <c>verify</c> counts it) is exactly the lost range the collector recorded and logged.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class QueueDamageRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60); // CI runs everything on 2 cores

    /// <summary>
    /// A normal restart while the gateway is down: the samplers number from the queue database at once while the start-up
    /// check of the stream after the recorded tail waits for the gateway (nothing is shipped before it); once the gateway is
    /// back every sample is delivered once, numbered on from run 1, and the stream holds samples taken during the outage.
    /// (Failed on the old code: no sample was taken until the gateway answered.)
    /// </summary>
    [Fact]
    public async Task A_restart_while_the_gateway_is_down_samples_through_the_outage_and_delivers_every_sample_once()
    {
        using var dir = new TempDirectory();
        var stream = new StreamName("edge", "restart-in-outage");
        var db = dir.File("queue.db");
        var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        try
        {
            using (var first = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db)))
            {
                await Poll.UntilAsync(async () => first.HasExited
                        ? throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{first.Output}")
                        : (await StreamAudit.ReadAsync(gateway.Endpoint, stream)).BySensor.Count == EdgeArgs.TwoSensors.Length,
                    Timeout, "run 1's samples of both sensors in the stream");
                Assert.Equal(0, await first.TerminateAsync(Timeout));
            }
            var run1 = EdgeArgs.TwoSensors.ToDictionary(s => s, s => Progress(db, s)!.Value.Issued);
            await gateway.StopAsync();

            var outageFrom = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            using var second = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db));
            // Samples are numbered and queued while the gateway is still down.
            await Poll.UntilAsync(() => second.HasExited
                    ? throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{second.Output}")
                    : EdgeArgs.TwoSensors.All(s => Progress(db, s)?.Issued >= run1[s] + 300),
                Timeout, "samples queued during the outage");
            var outageTo = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            Assert.Contains(second.OutputLines, l => l.Contains("sampling goes on meanwhile, shipping starts once the gateway"));
            gateway = await gateway.RestartAsync();
            await Poll.UntilAsync(async () => (await StreamAudit.ReadAsync(gateway.Endpoint, stream)).BySensor.All(p => p.Value.Max(e => e.First + e.Count) >= run1[p.Key] + 600),
                Timeout, "run 2's samples in the stream");
            Assert.Equal(0, await second.TerminateAsync(Timeout));
            Assert.DoesNotContain(second.OutputLines, l => l.Contains("No sample was taken") || l.Contains("was rolled back"));
            await Delivery.AssertEverySampleOnceAsync(gateway.Endpoint, stream, db); // 0 missing, 0 duplicates, nothing recorded lost
            var times = await SampleTimesAsync(gateway.Endpoint, stream);
            foreach (var sensor in EdgeArgs.TwoSensors)
            {
                var inOutage = times[sensor].Where(t => t.Nanos >= outageFrom && t.Nanos <= outageTo).ToList();
                Assert.True(inOutage.Count >= 300, $"{sensor}: {inOutage.Count} samples of the outage in the stream");
                Assert.Equal(run1[sensor], inOutage.Min(t => t.Sequence)); // numbered on from run 1 at once
            }
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    /// <summary>Per sensor, each sample's sequence and time (ns since the Unix epoch) in the stream.</summary>
    private static async Task<Dictionary<string, List<(long Sequence, long Nanos)>>> SampleTimesAsync(Uri endpoint, StreamName stream)
    {
        using var client = new GatewayClient(new GatewayClientOptions { Endpoint = endpoint });
        var times = new Dictionary<string, List<(long, long)>>();
        await foreach (var e in client.ReadRangeAsync(stream))
        {
            var batch = SampleBatchJson.Deserialize(e.Data.Span);
            if (!times.TryGetValue(batch.SensorId, out var list)) times[batch.SensorId] = list = [];
            for (var i = 0; i < batch.Count; i++) list.Add((batch.FirstSequence + i, batch.TimestampNanos[i]));
        }
        return times;
    }

    /// <summary>
    /// An older copy of the queue files restored while the gateway is down: run 3 numbers from the stale database during the
    /// outage (numbers run 2 already put in the stream); once the gateway answers, the start-up check finds the rollback and
    /// moves those never-sent events above the stream before anything is sent. The stream then holds every sequence once:
    /// no duplicate, run 3 continuing exactly after run 2, contiguous; the rollback logged once with the shift.
    /// </summary>
    [Fact]
    public async Task Queue_restored_from_an_older_copy_during_an_outage_renumbers_what_it_sampled_and_never_duplicates()
    {
        using var dir = new TempDirectory();
        var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "restored-in-outage");
        var db = dir.File("queue.db");
        var backup = Directory.CreateDirectory(dir.File("backup")).FullName;
        try
        {
            await RunUntilAsync(gateway, stream, db, EdgeArgs.TwoSensors.ToDictionary(s => s, _ => 200L));
            var backedUp = EdgeArgs.TwoSensors.ToDictionary(s => s, s => QueueFile.Inspect(db).Next[s]);
            CopyQueueFiles(Path.GetDirectoryName(db)!, backup);
            await RunUntilAsync(gateway, stream, db, EdgeArgs.TwoSensors.ToDictionary(s => s, s => backedUp[s] + 300));
            var held = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
            var end = EdgeArgs.TwoSensors.ToDictionary(s => s, s => held.BySensor[s].Max(e => e.First + e.Count));
            await gateway.StopAsync();

            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(db)!, "queue.db*")) File.Delete(file);
            CopyQueueFiles(backup, Path.GetDirectoryName(db)!);
            var shift = EdgeArgs.TwoSensors.ToDictionary(s => s, s => end[s] - backedUp[s]);
            using var third = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db));
            // Numbered from the stale database while the gateway is down: numbers the stream already holds.
            await Poll.UntilAsync(() => third.HasExited
                    ? throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{third.Output}")
                    : EdgeArgs.TwoSensors.All(s => Progress(db, s)?.Issued >= backedUp[s] + 200),
                Timeout, "samples numbered from the restored database during the outage");
            gateway = await gateway.RestartAsync();
            await Poll.UntilAsync(async () =>
            {
                if (third.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{third.Output}");
                var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream, shift);
                return EdgeArgs.TwoSensors.All(s => audit.BySensor[s].Max(e => e.First + e.Count) >= end[s] + 300);
            }, Timeout, "run 3's samples in the stream");
            Assert.Equal(0, await third.TerminateAsync(Timeout));

            var final = QueueFile.Inspect(db);
            var after = await StreamAudit.ReadAsync(gateway.Endpoint, stream, shift);
            var verify = new SequenceAudit();
            foreach (var (sensor, events) in after.BySensor)
                foreach (var (first, count) in events) verify.Add(sensor, first, count);
            Assert.Equal(0, verify.Duplicates);
            var rollback = Assert.Single(third.OutputLines, l => l.Contains($"Queue database {Path.GetFullPath(db)} was rolled back"));
            foreach (var sensor in EdgeArgs.TwoSensors)
            {
                Assert.Equal(end[sensor], after.BySensor[sensor][held.BySensor[sensor].Count].First); // run 3 starts exactly after the stream
                after.AssertExactlyOnce(sensor, final.Next[sensor]); // contiguous: run 2 committed all it issued, run 3 follows it
                Assert.Contains($"{sensor}: the stream holds it up to {end[sensor] - 1}, the database was at {backedUp[sensor]} " +
                                $"({backedUp[sensor]}..{end[sensor] - 1} were issued by the lost run), continuing at {end[sensor]} (", rollback);
                Assert.Matches($@"{sensor}: [^;]* \(\d+ events this run queued before the check, never sent, renumbered by \+{shift[sensor]},", rollback);
                Assert.Equal(0, verify.Sensors.Single(a => a.SensorId == sensor).MissingSamples);
            }
            // Anything the restored copy still held unsent is in the stream (sent by run 2): recorded, never sent again.
            Assert.All(final.Losses, l => Assert.Equal(EventQueue.RolledBackReason, l.Reason));
            Assert.All(final.Losses, l => Assert.Contains(after.BySensor[l.SensorId], e => e.First == l.FirstSequence && e.Count == l.SampleCount));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("delete")] // a truncated WAL is covered over real SQLite files in Queue/QueueDamageTests
    public async Task Damaged_queue_after_kill_9_leaves_a_counted_logged_gap_and_never_a_duplicate(string damage)
    {
        using var dir = new TempDirectory();
        var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "damage-" + damage);
        var db = dir.File("queue.db");
        try
        {
            await DeliverThenQueueDuringOutageThenKillAsync(gateway, stream, db);
            var before = EdgeArgs.TwoSensors.ToDictionary(s => s, s => Progress(db, s)!.Value);
            Damage(db, damage);

            await using var back = await gateway.RestartAsync();
            IReadOnlyList<string> output;
            using (var restarted = CollectorProcess.Start(EdgeArgs.For(back.Endpoint, stream.Stream, db)))
            {
                // Until the stream holds samples past the lost range: the gap is then inside what `verify` sees.
                await Poll.UntilAsync(async () =>
                {
                    if (restarted.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{restarted.Output}");
                    var audit = await StreamAudit.ReadAsync(back.Endpoint, stream);
                    return EdgeArgs.TwoSensors.All(s => audit.BySensor.TryGetValue(s, out var e) && e[^1].First + e[^1].Count >= before[s].Issued + 100);
                }, Timeout, "samples past the lost range in the stream");
                Assert.Equal(0, await restarted.TerminateAsync(Timeout));
                output = restarted.OutputLines;
            }

            var final = QueueFile.Inspect(db);
            var audit = await StreamAudit.ReadAsync(back.Endpoint, stream);
            var verify = new SequenceAudit();
            foreach (var (sensor, events) in audit.BySensor)
                foreach (var (first, count) in events) verify.Add(sensor, first, count);
            Assert.Equal(0, verify.Duplicates);
            foreach (var sensor in EdgeArgs.TwoSensors)
            {
                var losses = final.Losses.Where(l => l.SensorId == sensor).ToList();
                var loss = Assert.Single(losses, l => l.Reason == EventQueue.DamagedReason);
                Assert.Equal(before[sensor].Issued, loss.FirstSequence + loss.SampleCount); // continues after the highest issued
                Assert.Equal(Math.Max(before[sensor].InFlight, before[sensor].Delivered), loss.FirstSequence);
                Assert.True(loss.SampleCount > 0);
                // A transaction the outage cut may be committed or not: its range is reported "in flight", the stream decides.
                Assert.All(losses, l => Assert.Contains(l.Reason, new[] { EventQueue.DamagedReason, EventQueue.InFlightReason }));
                var inStream = new bool[final.Next[sensor]];
                foreach (var (first, count) in audit.BySensor[sensor])
                    for (var i = first; i < first + count; i++) inStream[i] = true;
                long unrecorded = 0, recordedMissing = 0;
                for (long i = 0; i < inStream.Length; i++)
                {
                    var recorded = losses.Any(l => i >= l.FirstSequence && i < l.FirstSequence + l.SampleCount);
                    if (!inStream[i] && !recorded) unrecorded++;
                    if (!inStream[i] && recorded) recordedMissing++;
                }
                Assert.Equal(0, unrecorded); // never a silent loss
                Assert.Equal(recordedMissing, verify.Sensors.Single(a => a.SensorId == sensor).MissingSamples); // what `verify` reports as the gap
                Assert.Contains(output, l => l.Contains($"sensor {sensor} samples {loss.FirstSequence}..{loss.FirstSequence + loss.SampleCount - 1} ({loss.SampleCount} samples) are lost"));
            }
            Assert.Equal(final.Losses.Sum(l => l.SampleCount), final.Stats.DamageLostSamples);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(GatewayModes.Both), MemberType = typeof(GatewayModes))]
    public async Task Every_queue_file_deleted_continues_each_sensor_exactly_after_the_stream_and_never_duplicates(string mode)
    {
        using var dir = new TempDirectory();
        var gateway = await GatewayModes.StartAsync(mode, dir.File("gateway"));
        var stream = new StreamName("edge", "rm-all-" + mode);
        var db = dir.File("queue.db");
        try
        {
            // A brand-new deployment: the stream is empty, so the collector starts at once after one GetStreamInfo, reading nothing.
            var first = await DeliverThenQueueDuringOutageThenKillAsync(gateway, stream, db); // what it queued is lost with the files
            Assert.Contains(first, l => l.Contains($"Stream {stream} is empty: no sequence is in use (nothing read)"));
            Assert.DoesNotContain(first, l => l.Contains("read for the sequences in use"));
            // The operator's `rm queue.db*`: the database, its WAL and shared memory, and both sequence files.
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(db)!, "queue.db*")) File.Delete(file);

            await using var back = await gateway.RestartAsync();
            var held = await StreamAudit.ReadAsync(back.Endpoint, stream);
            var end = EdgeArgs.TwoSensors.ToDictionary(s => s, s => held.BySensor[s].Max(e => e.First + e.Count));
            IReadOnlyList<string> output;
            using (var restarted = CollectorProcess.Start(EdgeArgs.For(back.Endpoint, stream.Stream, db)))
            {
                await Poll.UntilAsync(async () =>
                {
                    if (restarted.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{restarted.Output}");
                    var audit = await StreamAudit.ReadAsync(back.Endpoint, stream);
                    return EdgeArgs.TwoSensors.All(s => audit.Samples(s) >= end[s] + 300);
                }, Timeout, "samples of the second run in the stream");
                Assert.Equal(0, await restarted.TerminateAsync(Timeout));
                output = restarted.OutputLines;
            }

            var final = QueueFile.Inspect(db);
            var after = await StreamAudit.ReadAsync(back.Endpoint, stream);
            Assert.Empty(final.Losses);
            foreach (var sensor in EdgeArgs.TwoSensors)
            {
                // The second run's first event starts exactly where the stream ended: no duplicate, and (as nothing committed was lost) no gap.
                Assert.Equal(end[sensor], after.BySensor[sensor][held.BySensor[sensor].Count].First);
                after.AssertExactlyOnce(sensor, final.Next[sensor]);
                Assert.Contains(output, l => l.Contains($"the stream holds sensor {sensor} up to sequence {end[sensor] - 1}; continuing at {end[sensor]}; " +
                                                        "anything queued but not committed before the loss is lost"));
            }
            Assert.Contains(output, l => l.Contains("no sample is taken (and nothing shipped) until the highest sequence per sensor"));
            Assert.Contains(output, l => l.Contains($"Stream {stream} read for the sequences in use: {held.BySensor.Values.Sum(e => e.Count)} events"));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    /// <summary>
    /// The operator's restore of an older backup: the database together with its sequence files (consistent with each other,
    /// older than the stream). Run 1 delivers, then queues during an outage and stops cleanly with events queued; its files
    /// are copied aside; run 2 ships them and more and stops; the copy is put back; run 3 must find the rollback in the
    /// stream after the recorded tail, continue each sensor after the stream and send none of the restored queued events again.
    /// </summary>
    [Theory]
    [MemberData(nameof(GatewayModes.Both), MemberType = typeof(GatewayModes))]
    public async Task Queue_restored_with_its_sequence_files_from_an_older_backup_continues_after_the_stream_and_never_duplicates(string mode)
    {
        using var dir = new TempDirectory();
        var gateway = await GatewayModes.StartAsync(mode, dir.File("gateway"));
        var stream = new StreamName("edge", "restored-" + mode);
        var db = dir.File("queue.db");
        var backup = Directory.CreateDirectory(dir.File("backup")).FullName;
        try
        {
            using (var first = CollectorProcess.Start([.. EdgeArgs.For(gateway.Endpoint, stream.Stream, db), "--shutdown-timeout", "1s"]))
            {
                await Poll.UntilAsync(async () => EdgeArgs.TwoSensors.All(s => Progress(db, s)?.Delivered >= 100) && !first.HasExited,
                    Timeout, "samples delivered");
                gateway.Kill();
                await Poll.UntilAsync(() => EdgeArgs.TwoSensors.All(s => Progress(db, s) is { } p && p.Issued >= p.InFlight + 200),
                    Timeout, "samples queued while the gateway is down");
                Assert.Equal(0, await first.TerminateAsync(Timeout)); // a clean stop, with events still queued
            }
            var backedUp = EdgeArgs.TwoSensors.ToDictionary(s => s, s => Progress(db, s)!.Value);
            CopyQueueFiles(Path.GetDirectoryName(db)!, backup);

            await using var back = await gateway.RestartAsync();
            var run2 = await RunUntilAsync(back, stream, db, EdgeArgs.TwoSensors.ToDictionary(s => s, s => backedUp[s].Issued + 300));
            // A normal restart with a recorded tail reads only what followed the last commit (no rollback, nothing else read).
            Assert.Contains(run2, l => l.Contains($"Stream {stream} read after the queue's recorded tail (start-up check): "));
            Assert.DoesNotContain(run2, l => l.Contains("was rolled back"));
            var held = await StreamAudit.ReadAsync(back.Endpoint, stream);
            var end = EdgeArgs.TwoSensors.ToDictionary(s => s, s => held.BySensor[s].Max(e => e.First + e.Count));

            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(db)!, "queue.db*")) File.Delete(file);
            CopyQueueFiles(backup, Path.GetDirectoryName(db)!);
            // Run 3 samples at once from the restored database; what it numbered before the check found the rollback moves up by this.
            var shift = EdgeArgs.TwoSensors.ToDictionary(s => s, s => end[s] - backedUp[s].Issued);
            var run3 = await RunUntilAsync(back, stream, db, EdgeArgs.TwoSensors.ToDictionary(s => s, s => end[s] + 300), shift);

            var final = QueueFile.Inspect(db);
            var after = await StreamAudit.ReadAsync(back.Endpoint, stream, shift);
            // Every sample once, contiguous: run 2 committed all it issued, so nothing is missing either.
            foreach (var sensor in EdgeArgs.TwoSensors) after.AssertExactlyOnce(sensor, final.Next[sensor]);
            var rollback = Assert.Single(run3, l => l.Contains($"Queue database {Path.GetFullPath(db)} was rolled back (an older copy restored together with its sequence files)"));
            foreach (var sensor in EdgeArgs.TwoSensors)
            {
                Assert.Equal(end[sensor], after.BySensor[sensor][held.BySensor[sensor].Count].First); // run 3 starts exactly after the stream
                Assert.Contains($"{sensor}: the stream holds it up to {end[sensor] - 1}, the database was at {backedUp[sensor].Issued} " +
                                $"({backedUp[sensor].Issued}..{end[sensor] - 1} were issued by the lost run", rollback);
                Assert.Contains($"continuing at {end[sensor]}", rollback);
                // The restored queue's unsent events are recorded (they are in the stream: sent by run 2), never sent again.
                var losses = final.Losses.Where(l => l.SensorId == sensor).ToList();
                Assert.NotEmpty(losses);
                Assert.All(losses, l => Assert.Equal(EventQueue.RolledBackReason, l.Reason));
                Assert.All(losses, l => Assert.Contains(after.BySensor[sensor], e => e.First == l.FirstSequence && e.Count == l.SampleCount));
            }
            // Reopened: each recorded range counts, and so does each sensor's unknowable gap (kept in UncountedGaps).
            Assert.Equal(final.Losses.Count + EdgeArgs.TwoSensors.Count(), final.Stats.DamageGaps);
            Assert.Equal(final.Losses.Sum(l => l.SampleCount), final.Stats.DamageLostSamples);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    /// <summary>Runs a collector until the stream holds each sensor up to <paramref name="until"/>, then stops it cleanly; its output lines.</summary>
    private static async Task<IReadOnlyList<string>> RunUntilAsync(GatewayProcess gateway, StreamName stream, string db, Dictionary<string, long> until,
        IReadOnlyDictionary<string, long>? renumbered = null)
    {
        using var collector = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db));
        await Poll.UntilAsync(async () =>
        {
            if (collector.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{collector.Output}");
            var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream, renumbered);
            return until.All(p => audit.BySensor.TryGetValue(p.Key, out var e) && e.Max(x => x.First + x.Count) >= p.Value);
        }, Timeout, "samples in the stream");
        Assert.Equal(0, await collector.TerminateAsync(Timeout));
        return collector.OutputLines;
    }

    /// <summary>Copies every queue file (database, WAL, shared memory, both sequence files) from one folder to another.</summary>
    private static void CopyQueueFiles(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "queue.db*")) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }

    /// <summary>
    /// A first collector run: samples are delivered, the gateway is killed, at least 200 more samples per sensor are queued
    /// (a transaction cut by the outage may stay in flight: reported apart), then the collector is SIGKILLed.
    /// </summary>
    /// <returns>The collector's output lines.</returns>
    private static async Task<IReadOnlyList<string>> DeliverThenQueueDuringOutageThenKillAsync(GatewayProcess gateway, StreamName stream, string db)
    {
        using var collector = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db));
        await Poll.UntilAsync(async () => EdgeArgs.TwoSensors.All(s => Progress(db, s)?.Delivered >= 100) && !collector.HasExited,
            Timeout, "samples delivered");
        gateway.Kill();
        await Poll.UntilAsync(() => EdgeArgs.TwoSensors.All(s => Progress(db, s) is { } p && p.Issued >= p.InFlight + 200),
            Timeout, "samples queued while the gateway is down");
        collector.Kill();
        return collector.OutputLines;
    }

    private static void Damage(string db, string damage)
    {
        switch (damage)
        {
            case "delete":
                foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(db + suffix);
                break;
            case "truncate-wal":
                Assert.True(new FileInfo(db + "-wal").Length > 0, "kill -9 leaves the WAL");
                using (var wal = new FileStream(db + "-wal", FileMode.Open)) wal.SetLength(0);
                break;
        }
    }

    /// <summary>A sensor's line of the progress file the collector keeps beside its database (null before it has one).</summary>
    private static SensorProgress? Progress(string db, string sensor)
    {
        try
        {
            var json = SidecarFormat.Decode(File.ReadAllBytes(db + SequenceLedger.ProgressSuffix), "sensorstream-edge-progress");
            return JsonSerializer.Deserialize<Dictionary<string, long[]>>(json)!.TryGetValue(sensor, out var v) ? new SensorProgress(v[0], v[1], v[2]) : null;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null; // not written yet, or caught mid-write
        }
    }
}
