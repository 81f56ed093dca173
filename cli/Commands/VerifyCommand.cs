using System.ComponentModel;
using Grpc.Core;
using SensorStream.Cli.Local;
using SensorStream.Cli.Reading;
using SensorStream.Streams.Verification;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>Reads a stream head to tail and proves there is no gap and no duplicate per sensor.</summary>
[Description("Prove that a stream holds every sample once: no gap, no duplicate, per SensorId + Sequence.")]
public sealed class VerifyCommand : AsyncCommand<StreamSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StreamSettings settings, CancellationToken ct)
    {
        await using var access = await PipelineAccess.OpenAsync(settings, "verify", needsGateway: true, needsStorage: false, ct);
        var client = access.Gateway;
        var audit = new SequenceAudit();
        long events = 0, undecodable = 0;
        try
        {
            await foreach (var e in StreamBatches.ReadAllAsync(client, settings.StreamName, ct))
            {
                events++;
                if (e.Batch is null) { undecodable++; continue; }
                audit.Add(e.Batch.SensorId, e.Batch.FirstSequence, e.Batch.Count);
            }
        }
        catch (RpcException damaged) when (damaged.StatusCode == StatusCode.DataLoss)
        {
            // The gateway serves everything before damaged stored data and refuses what follows (gateway/README.md,
            // "Damage"): what was read is reported, and the check fails naming where the stream stops being readable.
            VerifyReport.Print($"stream {settings.StreamName}", events, undecodable, audit);
            Console.WriteLine($"verify stream {settings.StreamName}: FAILED: the gateway answered DATA_LOSS after {events:N0} events " +
                              $"(the counts above cover only those): {damaged.Status.Detail}");
            return ExitCodes.CheckFailed;
        }
        VerifyReport.Print($"stream {settings.StreamName}", events, undecodable, audit);
        return audit.Clean && undecodable == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}

/// <summary>Prints an audit as a table and the one-line verdict scripts look for.</summary>
public static class VerifyReport
{
    /// <summary>Prints the per-sensor table and the verdict line for <paramref name="what"/>, which holds <paramref name="count"/> <paramref name="unit"/> (events of a stream, files of an export).</summary>
    public static void Print(string what, long count, long undecodable, SequenceAudit audit, string unit = "events")
    {
        var table = new Table().AddColumns("sensor", "first seq", "last seq", "samples", "missing", "holes");
        foreach (var s in audit.Sensors)
            table.AddRow(Markup.Escape(s.SensorId), s.FirstSequence.ToString(), s.LastSequence.ToString(),
                (s.Span - s.MissingSamples).ToString(), s.MissingSamples.ToString(), s.Holes.ToString());
        AnsiConsole.Write(table);
        var verdict = audit.Clean && undecodable == 0 ? "OK" : "FAILED";
        Console.WriteLine($"verify {what}: {verdict}: {count:N0} {unit}, {audit.Samples:N0} samples, {audit.Sensors.Count} sensors, " +
                          $"{audit.MissingSamples} missing, {audit.Duplicates} duplicates, {undecodable} undecodable");
    }
}
