using Microsoft.Extensions.Time.Testing;
using SensorStream.Functions.Local;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Cloud.Tests;

/// <summary>
/// The local host's log while a job keeps failing: one line per stream and problem, not one per tick (a scope that
/// does not exist yet made it print a stack trace every 10 s), a new line when the problem changes, one when it is over.
/// </summary>
public sealed class ScheduledJobLogTests
{
    private static readonly StreamName Stream = StreamName.Parse("plant/line1");

    [Fact]
    public async Task A_failing_step_is_logged_once_per_problem_and_its_recovery_once()
    {
        var log = new TestLogger();
        var clock = new FakeTimeProvider();
        var error = "scope 'plant' does not exist";
        var job = new ScheduledJob("mirror", "* * * * * *", _ => Task.FromResult<IReadOnlyList<StreamName>>([Stream]),
            (_, _) => error is null ? Task.FromResult(StepResult.Idle("caught up")) : throw new InvalidOperationException(error + "\n   at some.Frame()"),
            log, clock);

        for (var i = 0; i < 3; i++) await TickAsync(job, clock);
        error = "gateway unavailable";
        for (var i = 0; i < 2; i++) await TickAsync(job, clock);
        error = null;
        for (var i = 0; i < 2; i++) await TickAsync(job, clock);

        Assert.Equal(7, job.Ticks);
        Assert.Equal(
        [
            "Error: mirror plant/line1: step failed after retries: scope 'plant' does not exist (said again only when it changes)",
            "Error: mirror plant/line1: step failed after retries: gateway unavailable (said again only when it changes)",
            "Information: mirror plant/line1: works again",
        ], log.Lines);
    }

    [Fact]
    public async Task Listing_the_streams_failing_is_logged_once_and_its_recovery_once()
    {
        var log = new TestLogger();
        var clock = new FakeTimeProvider();
        var failing = true;
        var job = new ScheduledJob("export", "* * * * * *",
            _ => failing ? throw new IOException("storage unreachable") : Task.FromResult<IReadOnlyList<StreamName>>([]),
            (_, _) => Task.FromResult(StepResult.Idle("caught up")), log, clock);

        for (var i = 0; i < 4; i++) await TickAsync(job, clock);
        failing = false;
        await TickAsync(job, clock);

        Assert.Equal(
        [
            "Warning: export: cannot list streams: storage unreachable (said again only when it changes)",
            "Information: export listing streams: works again",
        ], log.Lines);
    }

    /// <summary>One tick; the fake clock is moved on while the step's retries wait out their back-off.</summary>
    private static async Task TickAsync(ScheduledJob job, FakeTimeProvider clock)
    {
        var tick = job.TickAsync(CancellationToken.None);
        await Poll.UntilAsync(() =>
        {
            if (!tick.IsCompleted) clock.Advance(TimeSpan.FromMinutes(1));
            return tick.IsCompleted;
        }, TimeSpan.FromSeconds(30), "the tick to finish its retries");
        await tick;
    }
}
