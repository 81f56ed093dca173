using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Orchestration;

/// <summary>
/// Starts the job's orchestration for a stream unless one is already in flight: a fixed instance id per job and
/// stream, started only when no instance exists or the last one reached a terminal state.
/// </summary>
public static class SingletonStarter
{
    /// <returns>The instance id when a new run was started, null when one is still running.</returns>
    public static async Task<string?> StartIfIdleAsync(DurableTaskClient client, JobKind kind, StreamName stream, bool flushNow, CancellationToken ct)
    {
        var id = kind.InstanceId(stream);
        var existing = await client.GetInstanceAsync(id, getInputsAndOutputs: false, ct).ConfigureAwait(false);
        if (existing is not null && !IsTerminal(existing.RuntimeStatus)) return null;
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(new TaskName(kind.Orchestrator), new StreamJob(stream.ToString(), flushNow),
                new StartOrchestrationOptions { InstanceId = id }, ct).ConfigureAwait(false);
            return id;
        }
        catch (Exception e) when (e is InvalidOperationException || e is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.AlreadyExists })
        {
            return null; // another timer tick started it between the look-up and the start
        }
    }

    public static bool IsTerminal(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
