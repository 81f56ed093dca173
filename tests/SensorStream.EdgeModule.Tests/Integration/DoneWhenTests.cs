using System.Diagnostics;
using System.Text.RegularExpressions;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Monitoring;
using SensorStream.Streams.Naming;
using SensorStream.Testing;
using Xunit.Abstractions;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// The issue's "done when", shortened for CI: two synthetic sensors at 1 kHz, batch 100, kill -9 three times at
/// arbitrary moments and restart (the gateway is killed and restarted once too, while the second run ships), then
/// SIGTERM; the stream chains exactly and holds every durable sample. Against both gateway protocols.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DoneWhenTests(ITestOutputHelper output)
{
    /// <summary>Per run ≈ 2.5 s of two sensors at 1 kHz in CI; <c>EDGE_DONE_WHEN_SAMPLES_PER_RUN=15000</c> gives the issue's ~30 s.</summary>
    private static readonly long SamplesPerRun =
        long.TryParse(Environment.GetEnvironmentVariable("EDGE_DONE_WHEN_SAMPLES_PER_RUN"), out var n) && n > 0 ? n : 5000;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90) + TimeSpan.FromMilliseconds(SamplesPerRun);

    [Theory]
    [InlineData(GatewayModes.Extended)]
    [InlineData(GatewayModes.Public)]
    public async Task Killed_three_times_then_terminated_the_stream_chains_with_no_gap_or_overlap(string mode)
    {
        using var dir = new TempDirectory();
        var gateway = await GatewayModes.StartAsync(mode, dir.File("gateway"));
        try
        {
            var stream = new StreamName("edge", "done-when-" + mode);
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
                if (run == 1)
                {
                    // The gateway dies mid-shipping and comes back; the collector keeps running through it.
                    gateway.Kill();
                    var stale = gateway;
                    gateway = await stale.RestartAsync();
                    await stale.DisposeAsync();
                    target += SamplesPerRun / 2;
                    await Poll.UntilAsync(async () =>
                    {
                        if (collector.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{collector.Output}");
                        return (await StreamAudit.ReadAsync(gateway.Endpoint, stream)).TotalSamples >= target;
                    }, Timeout, $"{target} samples in the stream after the gateway restart");
                }
                if (!last)
                {
                    collector.Kill();
                    continue;
                }
                using (var http = new HttpClient())
                {
                    // A backlog from the killed runs can reach the target before the endpoint serves the meter: wait for it.
                    var metrics = "";
                    await Poll.UntilAsync(async () =>
                    {
                        try { metrics = await http.GetStringAsync($"http://localhost:{metricsPort}/metrics"); }
                        catch (HttpRequestException) { return false; }
                        // Every asserted metric, and the protocol once the coordinator's first cycle has met the gateway: on a
                        // loaded host the endpoint can serve before that cycle ran (public_protocol still 0).
                        return metrics.Contains(EdgeInstruments.Samples.PrometheusName) && metrics.Contains(EdgeInstruments.CommittedTransactions.PrometheusName) &&
                               Regex.IsMatch(metrics, ProtocolPattern(mode));
                    }, Timeout, "the metrics endpoint serving the collector's meter");
                    Assert.Contains(EdgeInstruments.CommittedTransactions.PrometheusName, metrics);
                    Assert.Contains(EdgeInstruments.QueueBytes.PrometheusName, metrics);
                    Assert.Matches(ProtocolPattern(mode), metrics);
                }
                Assert.Equal(0, await collector.TerminateAsync(Timeout));
            }
            running.Stop();

            var audit = await Delivery.AssertEverySampleOnceAsync(gateway.Endpoint, stream, db);
            Assert.True(audit.TotalSamples >= 4 * SamplesPerRun);
            output.WriteLine($"{audit.TotalSamples} samples in {running.Elapsed.TotalSeconds:F1} s of test time with 3 kills " +
                             $"({audit.TotalSamples / running.Elapsed.TotalSeconds / 2000:P0} of 2 × 1 kHz, start-ups included)");
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    private static string ProtocolPattern(string mode) =>
        $@"(?m)^{EdgeInstruments.PublicProtocol.PrometheusName}(\{{[^}}]*\}})? {(mode == GatewayModes.Public ? 1 : 0)}( |$)";
}
