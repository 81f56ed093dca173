using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.IoTEdge;
using SensorStream.EdgeModule.IoTEdge.Hosting;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sensors;

namespace SensorStream.IoTEdge.Tests;

/// <summary>The adapter between the twin and the real <see cref="Collector"/> (not started: settings only).</summary>
public sealed class CollectorModuleHostTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("collector-host-");
    private Collector _collector = null!;
    private EdgeSettings _local = null!;

    public Task InitializeAsync()
    {
        _local = new EdgeSettings
        {
            Gateway = new Uri("http://127.0.0.1:9"),
            Scope = "plant1",
            Stream = "line-a",
            Db = Path.Combine(_dir.FullName, "queue.db"),
            Sensors = [SensorSpec.Parse("synthetic:a")],
            Rate = 100,
            Batch = 100,
        };
        _collector = new Collector(_local, NullLoggerFactory.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private static DesiredSettings Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var (settings, errors) = DesiredSettingsParser.Parse(doc.RootElement);
        Assert.Empty(errors);
        return settings;
    }

    [Fact]
    public async Task Every_twin_setting_reaches_the_collector_and_is_reported_back_in_the_twin_shape()
    {
        var host = new CollectorModuleHost(_collector, TimeSpan.FromSeconds(1));
        var result = await host.ApplyAsync(Parse("""
            {"sensors":["synthetic:b","synthetic:c"],"rateHz":200,"batchSize":50,"flushIntervalMs":250,"stream":"plant2/line-b",
             "limits":{"maxQueueMb":5,"queueFull":"drop-oldest"}}
            """), CancellationToken.None);

        Assert.Empty(result.Errors);
        var s = _collector.Settings;
        Assert.Equal(["synthetic:b", "synthetic:c"], s.Sensors.Select(x => x.Text));
        Assert.Equal((200.0, 50, TimeSpan.FromMilliseconds(250), "plant2", "line-b", 5.0, QueueFullPolicy.DropOldest),
            (s.Rate, s.Batch, s.FlushInterval, s.Scope, s.Stream, s.MaxQueueMb, s.QueueFull));
        Assert.Equal(
            """{"sensors":["synthetic:b","synthetic:c"],"rateHz":200,"batchSize":50,"flushIntervalMs":250,"stream":"plant2/line-b","limits":{"maxQueueMb":5,"queueFull":"drop-oldest"}}""",
            result.Applied.ToJsonString());
    }

    [Fact]
    public async Task The_collector_refuses_what_it_cannot_run_by_twin_property_name_and_the_rest_applies()
    {
        var host = new CollectorModuleHost(_collector, TimeSpan.FromSeconds(1));
        var result = await host.ApplyAsync(Parse("""{"sensors":["thermo:1"],"batchSize":1000000,"rateHz":250}"""), CancellationToken.None);

        Assert.Equal(["batchSize", "sensors"], result.Errors.Keys.Order());
        Assert.Contains("unknown sensor kind 'thermo'", result.Errors["sensors"]);
        Assert.Contains("must be between 1 and", result.Errors["batchSize"]);
        Assert.Equal(250, _collector.Settings.Rate);
        Assert.Equal(["synthetic:a"], _collector.Settings.Sensors.Select(x => x.Text));
        Assert.Equal(100, _collector.Settings.Batch);
    }

    [Fact]
    public async Task Removing_a_property_from_the_twin_restores_the_module_own_value()
    {
        var host = new CollectorModuleHost(_collector, TimeSpan.FromSeconds(1));
        await host.ApplyAsync(Parse("""{"rateHz":250}"""), CancellationToken.None);
        Assert.Equal(250, _collector.Settings.Rate);
        await host.ApplyAsync(Parse("{}"), CancellationToken.None);
        Assert.Equal(_local.Rate, _collector.Settings.Rate);
    }

    [Fact]
    public async Task Status_reports_the_collector_metrics_and_flush_on_a_stopped_collector_answers_500()
    {
        var host = new CollectorModuleHost(_collector, TimeSpan.FromSeconds(1));
        var (status, payload) = await DirectMethods.InvokeAsync(host, DirectMethods.Status, CancellationToken.None);
        Assert.Equal(200, status);
        Assert.False(payload["running"]!.GetValue<bool>());
        Assert.Equal(0, payload["samplesTotal"]!.GetValue<long>());
        Assert.NotNull(payload["queueEvents"]);

        var (flushStatus, flushPayload) = await DirectMethods.InvokeAsync(host, DirectMethods.Flush, CancellationToken.None);
        Assert.Equal(500, flushStatus);
        Assert.Equal("the collector is not running", flushPayload["error"]!.GetValue<string>());
    }

    [Fact]
    public void The_client_is_registered_only_when_an_iot_edge_identity_is_present()
    {
        static int HostedServices(Func<string, string?> env) =>
            new ServiceCollection().AddIoTEdgeWhenPresent(env).Count(d => d.ServiceType == typeof(IHostedService));

        Assert.Equal(0, HostedServices(_ => null));
        Assert.Equal(1, HostedServices(k => k == EdgeEnvironment.ConnectionString ? "HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=AAAA" : null));
        Assert.Equal(1, HostedServices(k => k.StartsWith("IOTEDGE_", StringComparison.Ordinal) ? "x" : null));
    }
}
