using SensorStream.Streams.Mirroring;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>Runs a cloud job (mirror, export, forward) step after step until it reports Idle, as its timer would.</summary>
internal static class Steps
{
    /// <summary>
    /// Calls <paramref name="step"/> until a result is <see cref="StepOutcome.Idle"/>; returns every result, the Idle one
    /// last. Throws when still not idle after <paramref name="max"/> steps (a job that never catches up is a failure).
    /// </summary>
    public static async Task<List<StepResult>> UntilIdleAsync(Func<Task<StepResult>> step, int max = 100)
    {
        var results = new List<StepResult>();
        for (var i = 0; i < max; i++)
        {
            var r = await step();
            results.Add(r);
            if (r.Outcome == StepOutcome.Idle) return results;
        }
        throw new InvalidOperationException($"not idle after {max} steps");
    }

    /// <summary>The details of the steps before the Idle one (see <see cref="UntilIdleAsync"/>).</summary>
    public static async Task<List<string>> DetailsUntilIdleAsync(Func<Task<StepResult>> step, int max = 100) =>
        (await UntilIdleAsync(step, max)).SkipLast(1).Select(r => r.Detail).ToList();
}
