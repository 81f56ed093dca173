using Microsoft.DurableTask;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Functions.Orchestration;

/// <summary>
/// The orchestrator of every job: call the job's activity (one bounded step) until it reports no more work.
/// After <see cref="StepsPerGeneration"/> steps it continues as new, so the history stays short however large the
/// backlog. Activity failures are retried with exponential back-off; a step is safe to repeat (exactly-once is
/// the step's own business). Deterministic: no clock, no I/O, only the context.
/// The Functions host runs it through a thin [Function] wrapper; the tests run the same class in the in-process host.
/// </summary>
public sealed class StepLoopOrchestrator(JobKind kind)
{
    public const int StepsPerGeneration = 16;

    public static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    public async Task<JobReport> RunAsync(TaskOrchestrationContext context, StreamJob job)
    {
        var steps = job.Steps;
        var events = job.Events;
        var detail = "";
        for (var i = 0; i < StepsPerGeneration; i++)
        {
            var result = await context.CallActivityAsync<StepResult>(kind.Activity, new StepRequest(job.Stream, job.FlushNow), Retry);
            steps++;
            events += result.Events;
            detail = result.Detail;
            if (!result.MoreAvailable) return new JobReport(job.Stream, steps, events, job.Generation + 1, detail);
        }
        context.ContinueAsNew(job with { Generation = job.Generation + 1, Events = events, Steps = steps });
        return new JobReport(job.Stream, steps, events, job.Generation + 1, detail);
    }
}

/// <summary>Input of one activity call.</summary>
public sealed record StepRequest(string Stream, bool FlushNow = false);
