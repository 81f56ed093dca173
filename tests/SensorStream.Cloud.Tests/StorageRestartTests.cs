using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Cloud.Tests;

/// <summary>Azurite restarted in the middle of a mirror and of an export (own servers: the restart would disturb others).</summary>
public sealed class StorageRestartTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private AzuriteFixture Azurite => fixture.Storage;

    /// <summary>Runs steps until idle, counting failed steps as the host's retry would: run it again.</summary>
    private static async Task<int> RunWithRetriesAsync(Func<Task<StepResult>> step)
    {
        var failures = 0;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await step()).Outcome == StepOutcome.Idle) return failures;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException)
            {
                failures++;
            }
        }
        throw new InvalidOperationException("not idle after 100 steps");
    }

    [Fact]
    public async Task Azurite_restarted_mid_export_loses_and_duplicates_nothing()
    {
        var (stream, events) = await ExportExactlyOnceTests.SeedAsync(Azurite, "restart-export");
        var restarted = false;
        var exporter = new Exporter(Azurite.Store, ExportExactlyOnceTests.Options(point =>
        {
            // Storage goes away between two file writes of a range.
            if (point != Exporter.Points.AfterFile || restarted) return;
            restarted = true;
            Azurite.Azurite.RestartAsync().GetAwaiter().GetResult();
        }));
        var failures = await RunWithRetriesAsync(() => exporter.StepAsync(stream));
        Assert.True(restarted);
        Assert.InRange(failures, 0, 3);
        await ExportExactlyOnceTests.AssertExactlyOnceAsync(Azurite, stream, events);
    }

    [Fact]
    public async Task Azurite_restarted_mid_mirror_loses_and_duplicates_nothing()
    {
        var events = SourceStreams.Numbered(100);
        var stream = await SourceStreams.CreateAsync(fixture.Client, Azurite, "restart-mirror", events);
        var steps = 0;
        var mirror = new BlobMirror(fixture.Client, Azurite.Store, new MirrorOptions
        {
            MaxEvents = 10,
            Probe = point =>
            {
                // Storage goes away after the source was read and before the chunk is written, in the 4th step.
                if (point == BlobMirror.Points.AfterRead && ++steps == 4) Azurite.Azurite.RestartAsync().GetAwaiter().GetResult();
            },
        });
        var failures = await RunWithRetriesAsync(() => mirror.StepAsync(stream));
        Assert.True(steps >= 4);
        Assert.InRange(failures, 0, 3);
        SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(Azurite.Store, stream));
    }
}
