using System.Buffers.Binary;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>`plot` turns NIC counters in a real gateway stream into a PNG of the requested size.</summary>
public sealed class PlotTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sensorstream-plot-{Guid.NewGuid():N}");
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayProcess.StartAsync(Path.Combine(_dir, "gateway"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Plot_writes_a_png_of_the_requested_size_from_nic_counters()
    {
        var stream = new StreamName("plot", "nic");
        using (var client = new GatewayClient(new GatewayClientOptions { Endpoint = _gateway.Endpoint }))
        {
            await client.EnsureStreamAsync(stream);
            await client.WriteEventsAsync(stream, Enumerable.Range(0, 3).Select(b => new OutgoingEvent("nic-eth0", SampleBatchJson.Serialize(NicBatch(b)))));
        }
        var png = Path.Combine(_dir, "out", "traffic.png");
        var result = await CliRun.RunAsync(TimeSpan.FromSeconds(90), "plot", stream.ToString(), "--to", png, "--width", "800", "--height", "400",
            "--gateway", _gateway.Endpoint.ToString());
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("2 series", result.StdOut); // RxBytes/s and TxBytes/s

        var bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(800, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(400, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        Assert.True(bytes.Length > 5_000, $"a plot with points is more than {bytes.Length} bytes");
    }

    /// <summary>
    /// A known counter, 2 s at 1 kHz: RxBytes +1500 per ms (1,500,000 bytes/s), TxBytes +100 per ms through a 32-bit
    /// wrap (100,000 bytes/s), RxPackets +1 per ms with a reset to 1 after 1.5 s (1,000 packets/s), RxErrors always 0.
    /// The plotted numbers (--data) must be exactly those rates in both 1 s bins, and the all-zero series left out.
    /// </summary>
    [Fact]
    public async Task Plot_computes_true_rates_per_bin_across_a_wrap_and_a_reset()
    {
        var stream = new StreamName("plot", "rates");
        const long start = 1_700_000_000_000_000_000L; // a whole second
        const int n = 2000;
        var t = Enumerable.Range(0, n).Select(i => start + i * 1_000_000L).ToArray();
        var batch = new SampleBatch("nic-test", 0, t)
            .WithColumn("RxBytes", Enumerable.Range(0, n).Select(i => 10_000L + i * 1500L).ToArray())
            .WithColumn("TxBytes", Enumerable.Range(0, n).Select(i => ((1L << 32) - 70_000 + i * 100L) % (1L << 32)).ToArray())
            .WithColumn("RxPackets", Enumerable.Range(0, n).Select(i => i < 1500 ? 5000L + i : i - 1500 + 1L).ToArray())
            .WithColumn("RxErrors", new long[n]);
        using (var client = new GatewayClient(new GatewayClientOptions { Endpoint = _gateway.Endpoint }))
        {
            await client.EnsureStreamAsync(stream);
            await client.WriteEventsAsync(stream, [new OutgoingEvent("nic-test", SampleBatchJson.Serialize(batch))]);
        }
        var png = Path.Combine(_dir, "rates.png");
        var data = Path.Combine(_dir, "rates.csv");
        var result = await CliRun.RunAsync(TimeSpan.FromSeconds(90), "plot", stream.ToString(), "--to", png, "--data", data, "--bin", "1s",
            "--since", "2023-11-14T22:13:20Z", "--until", "2023-11-14T22:13:30Z", "--gateway", _gateway.Endpoint.ToString());
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("3 series in 2 panels", result.StdOut); // bytes/s (Rx, Tx) and packets/s; RxErrors is 0 throughout

        var rows = (await File.ReadAllLinesAsync(data)).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(6, rows.Count); // 3 series × 2 bins
        foreach (var (column, unit, rate) in new[] { ("RxBytes", "bytes/s", 1_500_000.0), ("TxBytes", "bytes/s", 100_000.0), ("RxPackets", "packets/s", 1_000.0) })
        {
            var bins = rows.Where(r => r[2] == column).ToList();
            Assert.Equal(["2023-11-14T22:13:20.000Z", "2023-11-14T22:13:21.000Z"], bins.Select(r => r[0]));
            Assert.All(bins, r => Assert.Equal(unit, r[3]));
            Assert.All(bins, r => Assert.Equal(rate, double.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture), 6));
        }
        Assert.DoesNotContain(rows, r => r[2] == "RxErrors");
    }

    [Fact]
    public async Task Plot_of_an_empty_stream_says_so()
    {
        var stream = new StreamName("plot", "empty");
        using (var client = new GatewayClient(new GatewayClientOptions { Endpoint = _gateway.Endpoint }))
            await client.EnsureStreamAsync(stream);
        var result = await CliRun.RunAsync(TimeSpan.FromSeconds(90), "plot", stream.ToString(), "--to", Path.Combine(_dir, "empty.png"),
            "--gateway", _gateway.Endpoint.ToString());
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"sensorstream: plot: stream {stream} holds no plottable samples", result.StdErr); // every error: one prefix
    }

    private static SampleBatch NicBatch(int index)
    {
        const int n = 500;
        var start = 1_700_000_000_000_000_000L + index * n * 1_000_000L;
        var t = Enumerable.Range(0, n).Select(i => start + i * 1_000_000L).ToArray();
        var rx = Enumerable.Range(0, n).Select(i => (long)(index * n + i) * 1500).ToArray();
        var tx = Enumerable.Range(0, n).Select(i => (long)(index * n + i) * 100).ToArray();
        return new SampleBatch("nic-eth0", index * n, t).WithScalar("Interface", "eth0").WithColumn("RxBytes", rx).WithColumn("TxBytes", tx);
    }
}
