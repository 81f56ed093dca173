using System.Text;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Naming;
using SensorStream.Testing;
using Xunit.Abstractions;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// kill -9 the real collector in the middle of a large CSV file's import (a queue far smaller than the file, so it
/// flows in parts), restart it, and prove every row is in the stream exactly once.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CsvRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_restart_in_the_middle_of_a_large_file_imports_every_row_exactly_once()
    {
        const int rows = 10_000;
        using var dir = new TempDirectory();
        var input = Directory.CreateDirectory(dir.File("in")).FullName;
        var text = new StringBuilder("TimestampNanos,V\n");
        for (var i = 0; i < rows; i++) text.Append(1_764_460_800_000_000_000L + i).Append(',').Append(i).Append(".5\n");
        await File.WriteAllTextAsync(Path.Combine(input, ".big.csv"), text.ToString());
        File.Move(Path.Combine(input, ".big.csv"), Path.Combine(input, "big.csv")); // the recommended rename convention
        var stream = new StreamName("edge", "csv-restart");
        var db = dir.File("queue.db");
        string[] csv = ["--sensor", "csv:" + input, "--csv-stable-time", "1ms", "--csv-poll-interval", "50ms", "--max-queue-mb", "0.1"];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        output.WriteLine($"gateway up at {clock.Elapsed.TotalSeconds:F1} s");

        // The kill point is deterministic: the collector SIGKILLs itself right after the importer's first part (events and
        // resume position, one SQL transaction; at most the 0.1 MB queue, far less than the 260 KB file) is queued.
        using (var first = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db, batch: 1000, txnMaxEvents: 100, extra: csv),
                   new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = "after-csv-part:1" }))
        {
            Assert.Equal(137, await first.WaitForExitAsync(Timeout));
            output.WriteLine($"first collector killed itself at {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Contains(first.OutputLines, l => l.Contains("killing the process at AfterCsvPart"));
        }
        Assert.True(File.Exists(Path.Combine(input, "big.csv")), "the file is still in the folder: the kill was mid-file");
        var queued = QueueFile.Inspect(db).Next.GetValueOrDefault("csv-in");
        Assert.InRange(queued, 1, rows - 1);

        using (var second = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db, batch: 1000, txnMaxEvents: 100, extra: csv)))
        {
            try
            {
                await Poll.UntilAsync(async () =>
                {
                    if (second.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{second.Output}");
                    return (await StreamAudit.ReadAsync(gateway.Endpoint, stream)).Samples("csv-in") >= rows;
                }, Timeout, $"{rows} rows of big.csv in the stream");
            }
            catch (TimeoutException e)
            {
                throw new Xunit.Sdk.XunitException($"{e.Message}; collector output:{Environment.NewLine}{second.Output}");
            }
            output.WriteLine($"every row in the stream at {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(0, await second.TerminateAsync(Timeout));
            output.WriteLine($"second collector stopped at {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Contains(second.OutputLines, l => l.Contains("resuming after record") && l.Contains($"({queued} rows already queued)"));
        }

        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        audit.AssertExactlyOnce("csv-in", rows);
        Assert.Equal(rows, audit.Samples("csv-in"));
        Assert.True(File.Exists(Path.Combine(input, "completed", "big.csv")));
        Assert.DoesNotContain(QueueFile.Inspect(db).Losses, l => l.SensorId == "csv-in"); // the tiny queue refuses synthetic samples, never rows
    }
}
