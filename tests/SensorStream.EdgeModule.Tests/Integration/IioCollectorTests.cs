using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Tests.Sensors;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>The collector with a hardware-timed IIO sensor (emulated sysfs + FIFO) beside a polled one, into a real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class IioCollectorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_scan_of_a_1_kHz_iio_device_reaches_the_stream_once_with_its_kernel_timestamp_and_none_is_missed()
    {
        const int scans = 3000; // 3 s of the device's time at 1 kHz
        const long t0 = 1_764_460_800_000_000_000;
        using var dir = new TempDirectory();
        var device = new EmulatedIioDevice(dir.File("root"));
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "iio");
        var settings = InProcessCollector.Settings(gateway.Endpoint, stream.Stream, dir.File("queue.db")) with
        {
            Sensors = [SensorSpec.Parse("iio:lis3dh:accel_x,accel_y,temp,accel_z"), SensorSpec.Parse("synthetic:a")],
            Batch = 500,
        };
        var sensors = new SensorFactory { SysfsRoot = device.SysfsRoot, DevRoot = device.DevRoot };
        await using (var collector = new Collector(settings, new TestLogger(), new CollectorDependencies { Sensors = sensors }))
        {
            await collector.StartAsync();
            await Task.Run(() =>
            {
                using var fifo = device.OpenWriter();
                for (var k = 0; k < scans; k++) fifo.Write(EmulatedIioDevice.Scan(t0 + k * 1_000_000L, (short)(k % 2048), 0, k, 0));
            });
            await Poll.UntilAsync(async () => (await StreamAudit.ReadAsync(gateway.Endpoint, stream)).Samples("iio-lis3dh") >= scans,
                Timeout, $"{scans} IIO samples in the stream");
            var iio = collector.GetMetrics().PerSensor.Single(s => s.SensorId == "iio-lis3dh");
            Assert.Equal((scans, 0L, 0L, 0L), (iio.Samples, iio.MissedSamples, iio.LateSamples, iio.ReadErrors));
            Assert.Contains(collector.GetMetrics().PerSensor, s => s.SensorId == "a" && s.Samples > 0);
        }

        (await StreamAudit.ReadAsync(gateway.Endpoint, stream)).AssertExactlyOnce("iio-lis3dh", scans);
        using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint });
        var samples = new List<(long Time, double Temp)>();
        await foreach (var e in client.ReadRangeAsync(stream))
        {
            var batch = SampleBatchJson.Deserialize(e.Data.Span);
            if (batch.SensorId != "iio-lis3dh") continue;
            Assert.Equal("iio/lis3dh", batch.Schema);
            samples.AddRange(batch.TimestampNanos.Zip(batch.DoubleColumn("temp")!));
        }
        Assert.Equal(Enumerable.Range(0, scans).Select(k => (t0 + k * 1_000_000L, (k + 100) * 0.25)), samples);
    }
}
