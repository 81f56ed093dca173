using System.Diagnostics;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Naming;
using SensorStream.Testing;
using Xunit.Abstractions;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// The "done when", shortened for CI: two synthetic sensors at 1 kHz, batch 100, kill -9 three times at
/// arbitrary moments and restart, then SIGTERM; the stream chains exactly and holds every durable sample.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DoneWhenTests(ITestOutputHelper output)
{
    /// <summary>Per run ≈ 2.5 s of two sensors at 1 kHz in CI; <c>EDGE_DONE_WHEN_SAMPLES_PER_RUN=15000</c> gives the issue's ~30 s.</summary>
    private static readonly long SamplesPerRun =
        long.TryParse(Environment.GetEnvironmentVariable("EDGE_DONE_WHEN_SAMPLES_PER_RUN"), out var n) && n > 0 ? n : 5000;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(SamplesPerRun);

    [Fact]
    public async Task Killed_three_times_then_terminated_the_stream_chains_with_no_gap_or_overlap()
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "done-when");
        var db = dir.File("queue.db");
        var metricsPort = FreePort.Next();
        var running = Stopwatch.StartNew();
        long target = 0;

        for (var run = 0; run < 4; run++)
        {
            var last = run == 3;
            using var collector = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db,
                extra: last ? ["--metrics-port", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)] : []));
            target += SamplesPerRun;
            await Poll.UntilAsync(async () =>
            {
                if (collector.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{collector.Output}");
                return (await StreamAudit.ReadAsync(gateway.Endpoint, stream)).TotalSamples >= target;
            }, Timeout, $"{target} samples in the stream (run {run + 1})");
            if (!last)
            {
                collector.Kill();
                continue;
            }
            using (var http = new HttpClient())
            {
                var metrics = await http.GetStringAsync($"http://localhost:{metricsPort}/metrics");
                Assert.Contains("sensorstream_edge_samples_total", metrics);
                Assert.Contains("sensorstream_edge_committed_transactions_total", metrics);
                Assert.Contains("sensorstream_edge_queue_bytes", metrics);
            }
            Assert.Equal(0, await collector.TerminateAsync(Timeout));
        }
        running.Stop();

        var final = QueueFile.Inspect(db);
        Assert.Equal(0, final.Stats.Events);
        Assert.Empty(final.Pending);
        Assert.Empty(final.Losses);
        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
        Assert.True(audit.TotalSamples >= 4 * SamplesPerRun);
        output.WriteLine($"{audit.TotalSamples} samples in {running.Elapsed.TotalSeconds:F1} s of test time with 3 kills " +
                         $"({audit.TotalSamples / running.Elapsed.TotalSeconds / 2000:P0} of 2 × 1 kHz, start-ups included)");
    }
}
