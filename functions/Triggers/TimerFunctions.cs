using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SensorStream.Functions.Orchestration;
using SensorStream.Functions.Services;

namespace SensorStream.Functions.Triggers;

/// <summary>
/// One timer per job (cron from <c>MIRROR_SCHEDULE</c> / <c>EXPORT_SCHEDULE</c>): start the job's singleton
/// orchestration for every selected stream that has none running.
/// </summary>
public sealed class TimerFunctions(StreamSelection selection, CloudSteps steps, ILogger<TimerFunctions> log)
{
    [Function("MirrorTimer")]
    public async Task MirrorTimer([TimerTrigger("%MIRROR_SCHEDULE%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        if (!steps.CanMirror) return;
        foreach (var stream in await selection.MirrorStreamsAsync(ct))
        {
            if (await SingletonStarter.StartIfIdleAsync(client, JobKind.Mirror, stream, false, ct) is { } id) log.LogInformation("started {Instance}", id);
            if (steps.CanForward && await SingletonStarter.StartIfIdleAsync(client, JobKind.Forward, stream, false, ct) is { } fid) log.LogInformation("started {Instance}", fid);
        }
    }

    [Function("ExportTimer")]
    public async Task ExportTimer([TimerTrigger("%EXPORT_SCHEDULE%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        foreach (var stream in await selection.ExportStreamsAsync(ct))
            if (await SingletonStarter.StartIfIdleAsync(client, JobKind.Export, stream, false, ct) is { } id) log.LogInformation("started {Instance}", id);
    }
}
