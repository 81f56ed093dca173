using System.Diagnostics;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// `status` against named services: a gateway alone shows the stream part and says storage was not named; a named
/// storage nobody serves is one line and exit 3; every sensor the collector reports is listed, one that never committed
/// (an absent NIC) with its state from the collector's read errors.
/// </summary>
public sealed class StatusTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = OneCommandRunTests.NewDataDir();
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayProcess.StartAsync(Path.Combine(_dir, "gateway"));
        using var client = new GatewayClient(new GatewayClientOptions { Endpoint = _gateway.Endpoint });
        await client.EnsureStreamAsync(new StreamName("st", "sensors"));
    }

    [Fact]
    public async Task A_gateway_named_alone_shows_the_stream_and_says_storage_was_not_named()
    {
        var result = await CliRun.RunAsync(Timeout, "status", "st/sensors", "--gateway", _gateway.Endpoint.ToString(), "--window", "100ms",
            "--data-dir", Path.Combine(_dir, "none"));
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("stream st/sensors", result.StdOut);
        Assert.Equal("not named: mirror and exports are not shown (add --storage CONNECTION_STRING)", LastCell(result.StdOut, "storage"));
        Assert.Equal("", result.StdErr);
    }

    [Fact]
    public async Task A_named_storage_nobody_serves_is_one_line_and_exit_3()
    {
        var blob = $"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1";
        var storage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                      "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                      $"BlobEndpoint={blob};";
        var result = await CliRun.RunAsync(Timeout, "status", "st/sensors", "--gateway", _gateway.Endpoint.ToString(), "--storage", storage,
            "--window", "100ms");
        Assert.True(result.ExitCode == 3, result.All);
        Assert.StartsWith($"sensorstream: storage: cannot reach Blob Storage at {blob}", result.StdErr);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.DoesNotContain("Exception", result.All);
        Assert.DoesNotContain("unexpected error", result.All);
    }

    [Fact]
    public async Task A_sensor_that_never_committed_is_listed_with_its_read_errors()
    {
        var metricsPort = FreePort.Next();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     Repo.Dll("edge-module", "SensorStream.EdgeModule"), "--gateway", _gateway.Endpoint.ToString(), "--scope", "st",
                     "--stream", "sensors", "--db", Path.Combine(_dir, "edge.db"), "--rate", "100", "--batch", "50",
                     "--metrics-port", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--sensor", "synthetic:ok", "--sensor", "nic:absent0",
                 }) info.ArgumentList.Add(a);
        using var edge = Process.Start(info)!;
        edge.OutputDataReceived += (_, _) => { };
        edge.ErrorDataReceived += (_, _) => { };
        edge.BeginOutputReadLine();
        edge.BeginErrorReadLine();
        try
        {
            CliResult? last = null;
            await Poll.UntilAsync(async () =>
            {
                last = await CliRun.RunAsync(Timeout, "status", "st/sensors", "--gateway", _gateway.Endpoint.ToString(), "--window", "500ms",
                    "--metrics-port", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", Path.Combine(_dir, "none"));
                return LastCell(last.StdOut, "nic-absent0")?.StartsWith("failing: ", StringComparison.Ordinal) == true;
            }, TimeSpan.FromSeconds(90), "status lists the absent NIC as failing");
            Assert.Equal(0, last!.ExitCode);
            Assert.Matches(@"^failing: [\d,]+ read errors$", LastCell(last.StdOut, "nic-absent0"));
            Assert.Equal("ok", LastCell(last.StdOut, "ok"));
        }
        finally
        {
            edge.Kill(entireProcessTree: true);
            await edge.WaitForExitAsync();
        }
    }

    /// <summary>
    /// The last column's text of the table row whose first cell is <paramref name="key"/>, its wrapped lines joined by
    /// spaces (the tables are 80 columns wide when output is redirected); null when there is no such row.
    /// </summary>
    private static string? LastCell(string output, string key)
    {
        var rows = output.Split('\n').Select(l => l.Split('│')).Where(c => c.Length >= 3).ToList();
        var at = rows.FindIndex(c => c[1].Trim() == key);
        if (at < 0) return null;
        var parts = new List<string> { rows[at][^2].Trim() };
        for (var i = at + 1; i < rows.Count && rows[i][1].Trim() == ""; i++) parts.Add(rows[i][^2].Trim());
        return string.Join(' ', parts.Where(p => p.Length > 0));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
