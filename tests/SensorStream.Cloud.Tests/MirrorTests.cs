using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Cloud.Tests;

[Collection(GatewayCollection.Name)]
public sealed class MirrorTests(GatewayFixture fixture)
{
    private BlobMirror Mirror(MirrorOptions options) => new(fixture.Client, fixture.Storage.Store, options);

    [Fact]
    public async Task Mirrors_byte_exact_in_order_in_chunks_bounded_by_events_then_idles()
    {
        var events = SourceStreams.Numbered(25);
        var stream = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "basic", events);
        var mirror = Mirror(new MirrorOptions { MaxEvents = 10 });

        var results = new List<StepResult>();
        for (var i = 0; i < 4; i++) results.Add(await mirror.StepAsync(stream));
        Assert.Equal([(StepOutcome.Progress, 10L, true), (StepOutcome.Progress, 10L, true), (StepOutcome.Progress, 5L, false), (StepOutcome.Idle, 0L, false)],
            results.Select(r => (r.Outcome, r.Events, r.MoreAvailable)));
        Assert.Equal("caught up", results[3].Detail);
        SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));

        var more = SourceStreams.Numbered(3, from: 25);
        await SourceStreams.AppendAsync(fixture.Client, stream, more);
        var next = await mirror.StepAsync(stream);
        Assert.Equal((StepOutcome.Progress, 3L, "chunk 3"), (next.Outcome, next.Events, next.Detail));
        SourceStreams.AssertSame([.. events, .. more], await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));
        var last = await (await fixture.Storage.Store.OpenAsync(stream)).FindLastAsync();
        var tail = (await fixture.Client.GetStreamInfoAsync(stream)).Tail;
        Assert.Equal((tail.Text, 28L), (last!.EndCut.Text, last.NextEvent));
    }

    [Fact]
    public async Task Mirrors_exactly_once_in_order_while_the_source_scales_up_and_down()
    {
        // One routing key: its order is the stream's order, across every epoch.
        var stream = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "scaling", SourceStreams.Numbered(12));
        var mirror = Mirror(new MirrorOptions { MaxEvents = 5 });
        Assert.Equal(StepOutcome.Progress, (await mirror.StepAsync(stream)).Outcome); // 5 of epoch 0 mirrored
        Assert.True(await fixture.Client.ScaleStreamAsync(stream, 3));
        await SourceStreams.AppendAsync(fixture.Client, stream, SourceStreams.Numbered(9, from: 12));
        Assert.Equal(StepOutcome.Progress, (await mirror.StepAsync(stream)).Outcome);
        Assert.True(await fixture.Client.ScaleStreamAsync(stream, 1));
        await SourceStreams.AppendAsync(fixture.Client, stream, SourceStreams.Numbered(4, from: 21));
        Assert.True(await fixture.Client.ScaleStreamAsync(stream, 2)); // the last epoch stays empty
        StepResult r;
        var steps = 0;
        while ((r = await mirror.StepAsync(stream)).Outcome == StepOutcome.Progress) Assert.True(++steps < 20);
        SourceStreams.AssertSame(SourceStreams.Numbered(25), await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));
        // Caught up: the last chunk ends where the tail is, in the newest epoch's terms or the one before's.
        Assert.Equal(25L, (await (await fixture.Storage.Store.OpenAsync(stream)).FindLastAsync())!.NextEvent);
        Assert.Equal(StepOutcome.Idle, (await mirror.StepAsync(stream)).Outcome);
    }

    [Fact]
    public async Task Chunks_are_bounded_by_bytes_but_an_event_is_never_split()
    {
        var events = SourceStreams.Numbered(5, size: 1000);
        var stream = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "bytes", events);
        var mirror = Mirror(new MirrorOptions { MaxBytes = 2500 });
        var sizes = new List<long>();
        StepResult r;
        while ((r = await mirror.StepAsync(stream)).Outcome == StepOutcome.Progress) sizes.Add(r.Events);
        Assert.Equal([2L, 2, 1], sizes);

        var big = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "bigevent", SourceStreams.Numbered(1, size: 5000));
        var one = await Mirror(new MirrorOptions { MaxBytes = 100 }).StepAsync(big);
        Assert.Equal((StepOutcome.Progress, 1L, 5000L), (one.Outcome, one.Events, one.Bytes));
    }

    [Fact]
    public async Task An_empty_stream_is_idle_and_writes_no_chunk()
    {
        var stream = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "empty", []);
        var r = await Mirror(new MirrorOptions()).StepAsync(stream);
        Assert.Equal((StepOutcome.Idle, false), (r.Outcome, r.MoreAvailable));
        Assert.Null(await (await fixture.Storage.Store.OpenAsync(stream)).FindLastAsync());
    }

    public static TheoryData<string, int> CrashPoints => new()
    {
        { BlobMirror.Points.AfterFindLast, 1 },
        { BlobMirror.Points.AfterFindLast, 2 },
        { BlobMirror.Points.AfterRead, 1 },
        { BlobMirror.Points.AfterRead, 3 },
        { BlobMirror.Points.AfterCommit, 1 },
        { BlobMirror.Points.AfterCommit, 2 },
    };

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_crash_at_any_point_then_a_rerun_mirrors_every_event_exactly_once(string point, int occurrence)
    {
        var events = SourceStreams.Numbered(30);
        var stream = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "crash", events);
        var crash = new Crash(point, occurrence);
        var crashing = Mirror(new MirrorOptions { MaxEvents = 7, Probe = crash.Probe });
        await Assert.ThrowsAsync<SimulatedCrashException>(async () =>
        {
            await Steps.UntilIdleAsync(() => crashing.StepAsync(stream));
        });
        var rerun = Mirror(new MirrorOptions { MaxEvents = 7 });
        await Steps.UntilIdleAsync(() => rerun.StepAsync(stream));
        SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));
    }

    [Fact]
    public async Task Mirrors_racing_on_one_stream_commit_each_event_exactly_once()
    {
        var events = SourceStreams.Numbered(200);
        var stream = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "race", events);
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var mirror = Mirror(new MirrorOptions { MaxEvents = 9 });
            return (await Steps.UntilIdleAsync(() => mirror.StepAsync(stream), max: 200)).Select(r => r.Outcome).ToList();
        })));
        SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));
        // 200 events in chunks of 9 → 23 chunks, each committed by exactly one mirror.
        Assert.Equal(23, runs.Sum(o => o.Count(x => x == StepOutcome.Progress)));
    }

    [Fact]
    public async Task A_large_backlog_is_mirrored_in_bounded_steps()
    {
        var events = SourceStreams.Numbered(3000, size: 200);
        var stream = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "backlog", events);
        var mirror = Mirror(new MirrorOptions { MaxEvents = 1000, MaxBytes = 64 * 1024 });
        var steps = new List<long>();
        StepResult r;
        while ((r = await mirror.StepAsync(stream)).Outcome == StepOutcome.Progress) steps.Add(r.Events);
        // 64 KiB / 200 B = 327 events a chunk.
        Assert.All(steps[..^1], n => Assert.Equal(327, n));
        Assert.Equal(3000, steps.Sum());
        SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));
    }
}
