using Microsoft.Extensions.Logging;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Functions.Services;

/// <summary>
/// What the Functions host logs about an export step (the local host logs every step's detail anyway): a new table
/// version (the detail's <c>schema:</c> part) and completeness markers at Information, late rows at Warning — so a
/// schema change or late data is visible in Application Insights, never only in a checkpoint.
/// </summary>
public static class ExportStepLog
{
    public static void Report(ILogger log, string stream, StepResult result)
    {
        if (result.Outcome != StepOutcome.Progress) return;
        if (result.Detail.Contains("; LATE: ", StringComparison.Ordinal))
            log.LogWarning("Export {Stream}: late rows: {Detail}", stream, result.Detail);
        else if (result.Detail.Contains("; schema: ", StringComparison.Ordinal))
            log.LogInformation("Export {Stream}: table schema version changed: {Detail}", stream, result.Detail);
        else if (result.Detail.StartsWith("hours before ", StringComparison.Ordinal))
            log.LogInformation("Export {Stream}: {Detail}", stream, result.Detail);
    }
}
