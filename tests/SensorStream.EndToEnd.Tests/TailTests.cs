using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>`tail` against a real gateway: <c>--count</c> counts rows, CSV gets a header per column set, JSON Lines one object per sample.</summary>
public sealed class TailTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sensorstream-tail-{Guid.NewGuid():N}");
    private readonly StreamName _stream = new("tail", "mixed");
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayProcess.StartAsync(Path.Combine(_dir, "gateway"));
        using var client = new GatewayClient(new GatewayClientOptions { Endpoint = _gateway.Endpoint });
        await client.EnsureStreamAsync(_stream);
        var nic = new SampleBatch("nic-eth0", 0, [1000, 2000]).WithScalar("Interface", "eth0").WithColumn("RxBytes", new long[] { 10, 20 });
        var synthetic = new SampleBatch("syn-a", 5, [3000, 4000]).WithColumn("Value", new[] { 0.5, 0.25 });
        await client.WriteEventsAsync(_stream, [new OutgoingEvent("nic-eth0", SampleBatchJson.Serialize(nic)), new OutgoingEvent("syn-a", SampleBatchJson.Serialize(synthetic))]);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Json_lines_keep_non_ascii_letters_as_utf8()
    {
        var stream = new StreamName("tail", "utf8");
        using (var client = new GatewayClient(new GatewayClientOptions { Endpoint = _gateway.Endpoint }))
        {
            await client.EnsureStreamAsync(stream);
            var batch = new SampleBatch("salle-1", 0, [1000]).WithColumn("Température", new[] { 21.5 });
            await client.WriteEventsAsync(stream, [new OutgoingEvent("salle-1", SampleBatchJson.Serialize(batch))]);
        }
        var jsonl = await CliRun.RunAsync(Timeout, "tail", stream.ToString(), "--from-head", "--count", "1", "--format", "jsonl", "--gateway", _gateway.Endpoint.ToString());
        Assert.True(jsonl.ExitCode == 0, jsonl.All);
        Assert.Equal("{\"SensorId\":\"salle-1\",\"Sequence\":0,\"TimestampNanos\":1000,\"Température\":21.5}\n", jsonl.StdOut.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Count_counts_rows_in_csv_and_in_json_lines()
    {
        var jsonl = await CliRun.RunAsync(Timeout, "tail", _stream.ToString(), "--from-head", "--count", "3", "--format", "jsonl", "--gateway", _gateway.Endpoint.ToString());
        Assert.True(jsonl.ExitCode == 0, jsonl.All);
        Assert.Equal(
            """
            {"SensorId":"nic-eth0","Sequence":0,"TimestampNanos":1000,"RxBytes":10,"Interface":"eth0"}
            {"SensorId":"nic-eth0","Sequence":1,"TimestampNanos":2000,"RxBytes":20,"Interface":"eth0"}
            {"SensorId":"syn-a","Sequence":5,"TimestampNanos":3000,"Value":0.5}
            """.ReplaceLineEndings("\n") + "\n", jsonl.StdOut.ReplaceLineEndings("\n"));

        var csv = await CliRun.RunAsync(Timeout, "tail", _stream.ToString(), "--from-head", "--count", "3", "--gateway", _gateway.Endpoint.ToString());
        Assert.True(csv.ExitCode == 0, csv.All);
        Assert.Equal(
            """
            SensorId,Sequence,TimestampNanos,RxBytes,Interface
            nic-eth0,0,1000,10,eth0
            nic-eth0,1,2000,20,eth0
            SensorId,Sequence,TimestampNanos,Value
            syn-a,5,3000,0.5
            """.ReplaceLineEndings("\n") + "\n", csv.StdOut.ReplaceLineEndings("\n"));
    }
}
