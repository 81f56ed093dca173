using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// The collector process against a gateway process with TLS (self-signed certificate) and a bearer token: it ships
/// exactly once; with a wrong token it says UNAUTHENTICATED without printing any token, keeps every sample queued, and
/// ships them once the token file is corrected and the collector restarted.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class SecureGatewayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [GeneratedRegex(@"queue=(\d+) events")]
    private static partial Regex QueueEventsInMetricsLine();

    [Fact]
    public async Task Ships_exactly_once_over_tls_with_the_token_from_a_file()
    {
        using var dir = new TempDirectory();
        await using var gateway = await SecureGateway.StartAsync(dir);
        var stream = new StreamName("edge", "secure");
        var db = dir.File("queue.db");
        var tokenFile = dir.File("collector.token");
        File.WriteAllText(tokenFile, $"  {gateway.Token}\n"); // whitespace around it, as editors and `echo` leave it

        using (var collector = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db, extra: gateway.CollectorArgs(tokenFile))))
        {
            await Poll.UntilAsync(async () => (await StreamAudit.ReadAsync(gateway.ClientOptions, stream)).TotalSamples >= 2000, Timeout,
                "samples committed over https with the token");
            Assert.Equal(0, await collector.TerminateAsync(Timeout));
            Assert.DoesNotContain(gateway.Token, collector.Output);
        }

        var final = QueueFile.Inspect(db);
        Assert.Equal(0, final.Stats.Events);
        Assert.Empty(final.Pending);
        var audit = await StreamAudit.ReadAsync(gateway.ClientOptions, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
        Assert.DoesNotContain(gateway.Token, gateway.Process.OutputText);
    }

    [Fact]
    public async Task A_wrong_token_is_logged_as_unauthenticated_and_the_samples_stay_queued_until_the_file_is_corrected()
    {
        using var dir = new TempDirectory();
        await using var gateway = await SecureGateway.StartAsync(dir);
        var stream = new StreamName("edge", "wrong-token");
        var db = dir.File("queue.db");
        var tokenFile = dir.File("collector.token");
        var wrongToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(tokenFile, wrongToken);
        var args = EdgeArgs.For(gateway.Endpoint, stream.Stream, db, extra: [.. gateway.CollectorArgs(tokenFile), "--metrics-interval", "300ms"]);

        // A first start proved the stream empty; then the token went wrong (a brand-new queue would wait for the stream
        // before taking any sample: README "Proof from the stream").
        QueueFile.CreateProvenEmpty(db);
        // A short shutdown timeout: nothing can drain, so a stop would wait all of it.
        using (var refused = CollectorProcess.Start([.. args, "--shutdown-timeout", "1s"]))
        {
            await Poll.UntilAsync(() => refused.OutputLines.Any(l => l.Contains("UNAUTHENTICATED")), Timeout, "the collector's UNAUTHENTICATED error");
            await Poll.UntilAsync(() => refused.OutputLines.Any(l => QueueEventsInMetricsLine().Match(l) is { Success: true } m && int.Parse(m.Groups[1].Value) >= 20),
                Timeout, "sampling goes on into the queue while the token is refused");
            var exit = await refused.TerminateAsync(Timeout);
            Assert.True(exit == 0, $"collector exited with {exit}:{Environment.NewLine}{refused.Output}");
            var error = refused.OutputLines.First(l => l.Contains("UNAUTHENTICATED"));
            Assert.Contains("fail: ", error); // an error line, not a warning about a passing outage
            Assert.Contains("GatewayTokenFile", error);
            Assert.DoesNotContain(wrongToken, refused.Output);
            Assert.DoesNotContain(gateway.Token, refused.Output);
        }

        var queued = QueueFile.Inspect(db);
        Assert.True(queued.Stats.Events >= 20, $"{queued.Stats.Events} events queued");
        Assert.Empty(queued.Losses);
        Assert.Equal(0, (await StreamAudit.ReadAsync(gateway.ClientOptions, stream)).TotalSamples);

        File.WriteAllText(tokenFile, gateway.Token + "\n");
        var before = queued.Next.Values.Sum();
        using (var corrected = CollectorProcess.Start(args))
        {
            await Poll.UntilAsync(async () => (await StreamAudit.ReadAsync(gateway.ClientOptions, stream)).TotalSamples > before, Timeout,
                "the queued samples shipped after the token file was corrected");
            Assert.Equal(0, await corrected.TerminateAsync(Timeout));
            Assert.DoesNotContain(corrected.OutputLines, l => l.Contains("UNAUTHENTICATED"));
        }

        var final = QueueFile.Inspect(db);
        Assert.Equal(0, final.Stats.Events);
        var audit = await StreamAudit.ReadAsync(gateway.ClientOptions, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
        Assert.DoesNotContain(wrongToken, gateway.Process.OutputText);
        Assert.DoesNotContain(gateway.Token, gateway.Process.OutputText);
    }
}
