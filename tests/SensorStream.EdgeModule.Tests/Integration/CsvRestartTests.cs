using System.Text;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// kill -9 the real collector in the middle of a large CSV file's import (a queue far smaller than the file, so it
/// flows in parts), restart it, and prove every row is in the stream exactly once.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CsvRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Skipped until its first phase is deterministic: with a gateway the whole file can flow before the kill on a fast
    // machine, and without one the importer's "waiting for room" line did not appear within 60 s in a loaded CI run
    // (why is not yet known). The resume-after-restart rule itself is tested without timing in
    // CsvFieldTests.A_restart_in_the_middle_of_a_file_resumes_after_the_last_durable_part.
    [Fact(Skip = "kill point not yet deterministic: see the comment above")]
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

        // First run with no gateway listening: the importer queues the first part (sized to the 0.1 MB queue, far less
        // than the file) with its resume position and then waits for room, so the kill lands mid-file whatever the
        // machine's speed (with a gateway the whole file could flow before a kill on a fast machine).
        using (var first = CollectorProcess.Start(EdgeArgs.For(new Uri("http://127.0.0.1:9"), stream.Stream, db, extra: csv)))
        {
            await Poll.UntilAsync(() =>
            {
                if (first.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{first.Output}");
                return Task.FromResult(first.OutputLines.Any(l => l.Contains("waiting for room in the queue")));
            }, Timeout, "the first part of big.csv queued");
            first.Kill();
            Assert.Equal(137, await first.WaitForExitAsync(Timeout));
        }
        Assert.True(File.Exists(Path.Combine(input, "big.csv")), "the whole file was imported before the kill: the test proves nothing");
        Assert.InRange(QueueFile.Inspect(db).Next.GetValueOrDefault("csv-in"), 1, rows - 1);

        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        using (var second = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db, extra: csv)))
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
            Assert.Equal(0, await second.TerminateAsync(Timeout));
            Assert.Contains(second.OutputLines, l => l.Contains("resuming after record"));
        }

        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        audit.AssertExactlyOnce("csv-in", rows);
        Assert.Equal(rows, audit.Samples("csv-in"));
        Assert.True(File.Exists(Path.Combine(input, "completed", "big.csv")));
        Assert.DoesNotContain(QueueFile.Inspect(db).Losses, l => l.SensorId == "csv-in"); // the tiny queue refuses synthetic samples, never rows
    }
}
