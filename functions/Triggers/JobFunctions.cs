using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using SensorStream.Functions.Orchestration;
using SensorStream.Functions.Services;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Functions.Triggers;

/// <summary>
/// Thin durable wrappers: the orchestrators are <see cref="StepLoopOrchestrator"/> and the activities are
/// <see cref="CloudSteps"/> (the source generator that would turn classes into functions is not available here).
/// </summary>
public sealed class JobFunctions(CloudSteps steps, ILogger<JobFunctions> log)
{
    [Function("MirrorOrchestrator")]
    public static Task<JobReport> MirrorOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new StepLoopOrchestrator(JobKind.Mirror).RunAsync(context, context.GetInput<StreamJob>()!);

    [Function("ExportOrchestrator")]
    public static Task<JobReport> ExportOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new StepLoopOrchestrator(JobKind.Export).RunAsync(context, context.GetInput<StreamJob>()!);

    [Function("ForwardOrchestrator")]
    public static Task<JobReport> ForwardOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new StepLoopOrchestrator(JobKind.Forward).RunAsync(context, context.GetInput<StreamJob>()!);

    [Function("MirrorStep")]
    public Task<StepResult> MirrorStep([ActivityTrigger] StepRequest request, CancellationToken ct) => steps.MirrorAsync(request.Stream, ct);

    [Function("ExportStep")]
    public async Task<StepResult> ExportStep([ActivityTrigger] StepRequest request, CancellationToken ct)
    {
        var result = await steps.ExportAsync(request.Stream, request.FlushNow, ct).ConfigureAwait(false);
        ExportStepLog.Report(log, request.Stream, result);
        return result;
    }

    [Function("ForwardStep")]
    public Task<StepResult> ForwardStep([ActivityTrigger] StepRequest request, CancellationToken ct) => steps.ForwardAsync(request.Stream, ct);
}
