using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Functions.Orchestration;
using SensorStream.Functions.Services;
using SensorStream.Functions.Settings;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Cloud.Tests;

/// <summary>The orchestrators and activities Functions runs, in the Durable Task in-process test host.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OrchestrationTests(GatewayFixture fixture)
{
    private async Task<DurableTaskTestHost> StartHostAsync(CloudSettings settings)
    {
        var store = fixture.Storage.Store;
        var steps = new CloudSteps(settings, store, new Exporter(store, settings.Export), fixture.Client, target: null);
        return await DurableTaskTestHost.StartAsync(registry => JobRegistry.Register(registry, steps), new DurableTaskTestHostOptions { Port = FreePort.Next() });
    }

    private static CloudSettings Settings(StepProbe? probe = null, TimeSpan? idleFlush = null) => new()
    {
        Mirror = new MirrorOptions { MaxEvents = 2, Probe = probe },
        Export = new ExportOptions { IdleFlushAfter = idleFlush ?? TimeSpan.Zero, MaxRowsPerFile = 200 },
    };

    private static async Task<JobReport> CompleteAsync(DurableTaskClient client, string instanceId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180)); // a loaded 2-core CI machine
        var done = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instanceId}: {done.RuntimeStatus} {done.FailureDetails?.ErrorMessage}");
        return done.ReadOutputAs<JobReport>()!;
    }

    private async Task<(StreamName Stream, List<byte[]> Events)> SeedAsync(string name, int events)
    {
        var data = TestEvents.Mixed(events, samples: 25).ToList();
        return (await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, name, data), data);
    }

    [Fact]
    public async Task Singleton_mirror_then_export_orchestrations_copy_and_export_every_sample_once()
    {
        var (stream, events) = await SeedAsync("orch", 40);
        await using var host = await StartHostAsync(Settings());

        var id = await SingletonStarter.StartIfIdleAsync(host.Client, JobKind.Mirror, stream, false, default);
        Assert.Equal($"mirror:{stream.Scope}:{stream.Stream}", id);
        // A second timer tick while the first run is in flight starts nothing.
        Assert.Null(await SingletonStarter.StartIfIdleAsync(host.Client, JobKind.Mirror, stream, false, default));
        var mirrored = await CompleteAsync(host.Client, id!);
        // 40 events, 2 per step: 20 steps with work, one more that finds none; 16 steps per generation → continued as new once.
        Assert.Equal((40L, 20, 2), (mirrored.Events, mirrored.Steps, mirrored.Generations));
        SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));

        // Finished: the next tick starts it again (and it finds nothing to do).
        Assert.Equal(id, await SingletonStarter.StartIfIdleAsync(host.Client, JobKind.Mirror, stream, false, default));
        Assert.Equal(0, (await CompleteAsync(host.Client, id!)).Events);

        var exportId = await SingletonStarter.StartIfIdleAsync(host.Client, JobKind.Export, stream, false, default);
        var exported = await CompleteAsync(host.Client, exportId!);
        Assert.Equal(40, exported.Events);
        var expected = TestEvents.ExpectedRows(events);
        foreach (var format in new[] { "csv", "parquet" })
            (await ExportReadBack.ReadAsync(fixture.Storage.Blobs, $"{format}/{stream.Scope}/{stream.Stream}/")).AssertExactly(expected);
    }

    [Fact]
    public async Task A_failing_step_is_retried_by_the_orchestration_and_nothing_is_duplicated()
    {
        var (stream, events) = await SeedAsync("orchretry", 6);
        var crash = new Crash(BlobMirror.Points.AfterRead, occurrence: 2);
        await using var host = await StartHostAsync(Settings(crash.Probe));
        var report = await CompleteAsync(host.Client, (await SingletonStarter.StartIfIdleAsync(host.Client, JobKind.Mirror, stream, false, default))!);
        Assert.True(crash.Fired);
        Assert.Equal(6, report.Events);
        SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));
    }

    [Fact]
    public async Task Export_now_flushes_what_is_buffered_without_waiting_for_the_idle_time()
    {
        var (stream, events) = await SeedAsync("orchflush", 4);
        await using var host = await StartHostAsync(Settings(idleFlush: TimeSpan.FromHours(1)));
        await CompleteAsync(host.Client, (await SingletonStarter.StartIfIdleAsync(host.Client, JobKind.Mirror, stream, false, default))!);

        // The events are taken into the table's open part; no file until it rolls.
        var waiting = await CompleteAsync(host.Client, (await SingletonStarter.StartIfIdleAsync(host.Client, JobKind.Export, stream, false, default))!);
        Assert.Equal(4, waiting.Events);
        Assert.StartsWith("chunks 0..1: 100 rows into open parts", waiting.LastDetail);
        Assert.Empty((await ExportReadBack.ReadAsync(fixture.Storage.Blobs, $"parquet/{stream.Scope}/{stream.Stream}/")).Files);

        var flushed = await CompleteAsync(host.Client, (await SingletonStarter.StartIfIdleAsync(host.Client, JobKind.Export, stream, flushNow: true, default))!);
        Assert.Equal(0, flushed.Events);
        (await ExportReadBack.ReadAsync(fixture.Storage.Blobs, $"parquet/{stream.Scope}/{stream.Stream}/")).AssertExactly(TestEvents.ExpectedRows(events));
    }
}
