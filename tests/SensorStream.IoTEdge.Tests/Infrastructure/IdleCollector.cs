using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Sensors;

namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>
/// The real <see cref="EdgeModule.Collector"/>, never started (settings only), with a small configuration of its own
/// (<see cref="Local"/>) for the twin to override: what the module host is tested against.
/// </summary>
public sealed class IdleCollector : IAsyncDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("collector-host-");

    public IdleCollector()
    {
        Local = new EdgeSettings
        {
            Gateway = new Uri("http://127.0.0.1:9"),
            Scope = "plant1",
            Stream = "line-a",
            Db = Path.Combine(_dir.FullName, "queue.db"),
            Sensors = [SensorSpec.Parse("synthetic:a")],
            Rate = 100,
            Batch = 100,
        };
        Collector = new Collector(Local, NullLoggerFactory.Instance);
    }

    public EdgeSettings Local { get; }

    public Collector Collector { get; }

    public async ValueTask DisposeAsync()
    {
        await Collector.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}
