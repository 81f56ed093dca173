using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SensorStream.EdgeModule;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.IoTEdge;
using SensorStream.EdgeModule.IoTEdge.Hosting;
using SensorStream.EdgeModule.Queue;
using SensorStream.IoTEdge.Tests.Infrastructure;

namespace SensorStream.IoTEdge.Tests;

/// <summary>The adapter between the twin and the real <see cref="Collector"/> (not started: settings only).</summary>
public sealed class CollectorModuleHostTests : IAsyncLifetime
{
    private readonly IdleCollector _idle = new();
    private Collector _collector = null!;
    private EdgeSettings _local = null!;

    public Task InitializeAsync()
    {
        (_collector, _local) = (_idle.Collector, _idle.Local);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idle.DisposeAsync();

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
        var result = await host.ApplyAsync(
            // Built in code: the parser now refuses this batch itself (one bound); the collector still checks what reaches it.
            new DesiredSettings { Sensors = ["thermo:1"], BatchSize = 1000000, RateHz = 250 }, CancellationToken.None);

        Assert.Equal(["batchSize", "sensors"], result.Errors.Keys.Order());
        Assert.Contains("unknown sensor kind 'thermo'", result.Errors["sensors"]);
        Assert.Contains("must be between 1 and", result.Errors["batchSize"]);
        Assert.Equal(250, _collector.Settings.Rate);
        Assert.Equal(["synthetic:a"], _collector.Settings.Sensors.Select(x => x.Text));
        Assert.Equal(100, _collector.Settings.Batch);
    }

    [Fact]
    public async Task A_value_the_collector_refuses_keeps_the_value_in_force_not_the_module_own()
    {
        // TwinPatchFuzzTests seed 20260318 step 5: a rate of 0.5 Hz (the parser allows it, the collector does not) put
        // the rate back to the module's own 100 Hz instead of keeping the 742 Hz an earlier twin version had set.
        var host = new CollectorModuleHost(_collector, TimeSpan.FromSeconds(1));
        await host.ApplyAsync(Parse("""{"rateHz":742,"sensors":["synthetic:b","nic:eth0"]}"""), CancellationToken.None);

        var result = await host.ApplyAsync(new DesiredSettings { RateHz = 0.5, Sensors = ["thermo:1"] }, CancellationToken.None);

        Assert.Equal(["rateHz", "sensors"], result.Errors.Keys.Order());
        Assert.Equal(742, _collector.Settings.Rate);
        Assert.Equal(["synthetic:b", "nic:eth0"], _collector.Settings.Sensors.Select(x => x.Text));
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
