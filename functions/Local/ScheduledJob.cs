using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;
using Polly;
using Polly.Retry;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Local;

/// <summary>
/// The local host's stand-in for a timer function plus its orchestrations: on every occurrence of the cron schedule
/// (NCrontab with seconds, as the Functions timer reads it) it runs the job's step for each stream until the step
/// reports no more work, retrying failed steps with exponential back-off like the orchestrator's retry policy.
/// </summary>
public sealed class ScheduledJob(
    string name,
    string schedule,
    Func<CancellationToken, Task<IReadOnlyList<StreamName>>> streams,
    Func<StreamName, CancellationToken, Task<StepResult>> step,
    ILogger log,
    TimeProvider clock) : BackgroundService
{
    /// <summary>Same bound as one orchestration generation: a huge backlog yields to the other streams between ticks.</summary>
    public const int MaxStepsPerTick = 64;

    private readonly CrontabSchedule _schedule = CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });

    // The host's clock also times the back-off, so a test's fake clock drives the retries too.
    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder { TimeProvider = clock }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = 5,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(30),
        })
        .Build();

    /// <summary>Completed ticks (for tests and logs).</summary>
    public long Ticks { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        log.LogInformation("{Job}: schedule '{Schedule}'", name, schedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var next = _schedule.GetNextOccurrence(now);
            await Task.Delay(next - now, clock, stoppingToken).ConfigureAwait(false);
            await TickAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One tick: every stream, step until idle. Failures are logged; the next tick tries again.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        IReadOnlyList<StreamName> selected;
        try
        {
            selected = await streams(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (Failing("", e)) log.LogWarning("{Job}: cannot list streams: {Error} (said again only when it changes)", name, FirstLine(e));
            return;
        }
        Recovered("", "listing streams");
        foreach (var stream in selected)
        {
            try
            {
                for (var i = 0; i < MaxStepsPerTick; i++)
                {
                    var result = await _retry.ExecuteAsync(async t => await step(stream, t).ConfigureAwait(false), ct).ConfigureAwait(false);
                    if (result.Outcome != StepOutcome.Idle) log.LogInformation("{Job} {Stream}: {Outcome} {Detail}", name, stream, result.Outcome, result.Detail);
                    if (!result.MoreAvailable) break;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One line per stream and problem, not a stack trace every tick (e.g. MIRROR_STREAMS names a scope
                // that does not exist yet); the next tick tries again and a recovery is logged.
                if (Failing(stream.ToString(), e))
                    log.LogError("{Job} {Stream}: step failed after retries: {Error} (said again only when it changes)", name, stream, FirstLine(e));
                continue;
            }
            Recovered(stream.ToString(), stream.ToString());
        }
        Ticks++;
    }

    private readonly Dictionary<string, string> _failing = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="e"/> as what fails for <paramref name="key"/>; true when that is new (first failure or another error).</summary>
    private bool Failing(string key, Exception e)
    {
        var message = FirstLine(e);
        if (_failing.TryGetValue(key, out var previous) && previous == message) return false;
        _failing[key] = message;
        return true;
    }

    private void Recovered(string key, string what)
    {
        if (_failing.Remove(key)) log.LogInformation("{Job} {What}: works again", name, what);
    }

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0].TrimEnd('\r');
}
