using Microsoft.DurableTask;
using SensorStream.Functions.Services;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Functions.Orchestration;

/// <summary>
/// Registers the jobs' orchestrators and activities with a plain Durable Task worker (the in-process test host, or a
/// worker outside Functions) under the same names and with the same classes the [Function] wrappers use.
/// </summary>
public static class JobRegistry
{
    public static void Register(DurableTaskRegistry registry, CloudSteps steps)
    {
        foreach (var kind in JobKind.All)
            registry.AddOrchestratorFunc<StreamJob, JobReport>(kind.Orchestrator, (context, job) => new StepLoopOrchestrator(kind).RunAsync(context, job));
        registry.AddActivityFunc<StepRequest, StepResult>(JobKind.Mirror.Activity, (_, request) => steps.MirrorAsync(request.Stream));
        registry.AddActivityFunc<StepRequest, StepResult>(JobKind.Export.Activity, (_, request) => steps.ExportAsync(request.Stream, request.FlushNow));
        registry.AddActivityFunc<StepRequest, StepResult>(JobKind.Forward.Activity, (_, request) => steps.ForwardAsync(request.Stream));
    }
}
