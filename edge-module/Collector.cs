using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Metrics;

namespace SensorStream.EdgeModule;

/// <summary>
/// The edge collector as a library: sensors → 1 kHz sampler → SQLite queue → exactly-once two-phase commit
/// into a gateway stream. The command line, the tests and the IoT Edge integration all drive this class:
/// <see cref="StartAsync"/>/<see cref="StopAsync"/>, <see cref="GetMetrics"/> (status), <see cref="FlushAsync"/>
/// (flush now) and <see cref="ApplySettingsAsync"/> (a new validated configuration). Thread-safe.
/// </summary>
public sealed class Collector : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly CollectorDependencies _dependencies;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CollectorRun? _run;
    private CollectorMetrics _lastMetrics = new() { At = DateTimeOffset.UtcNow };

    public Collector(EdgeSettings settings, ILoggerFactory loggers, CollectorDependencies? dependencies = null)
    {
        Settings = settings.Validate();
        _loggers = loggers;
        _dependencies = dependencies ?? new CollectorDependencies();
    }

    /// <summary>The configuration in force.</summary>
    public EdgeSettings Settings { get; private set; }

    public bool IsRunning => _run is not null;

    /// <summary>Opens the queue (recovering a corrupt one), the sensors and the gateway client, and starts sampling and shipping.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_run is not null) return;
            _run = new CollectorRun(Settings, _loggers, _dependencies);
            _run.Start();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Clean stop: the open batches are queued and the queue is shipped for up to the shutdown timeout.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await StopRunAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopRunAsync()
    {
        if (_run is not { } run) return;
        _lastMetrics = run.Metrics();
        await run.StopAsync().ConfigureAwait(false);
        _run = null;
    }

    /// <summary>Current metrics (the last ones seen while running, once stopped).</summary>
    public CollectorMetrics GetMetrics()
    {
        var run = _run;
        if (run is null) return _lastMetrics;
        try
        {
            return _lastMetrics = run.Metrics();
        }
        catch (ObjectDisposedException)
        {
            return _lastMetrics; // the run stopped meanwhile
        }
    }

    /// <summary>Closes the open batches now and waits up to <paramref name="timeout"/> until everything queued is committed.</summary>
    public async Task<FlushResult> FlushAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var run = _run ?? throw new InvalidOperationException("the collector is not running");
        return await run.FlushAsync(timeout, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the configuration: validates it first (throwing <see cref="SettingsException"/> and keeping the
    /// current one), then stops the current run cleanly (open batches kept) and starts a new one.
    /// </summary>
    public async Task ApplySettingsAsync(EdgeSettings settings, CancellationToken ct = default)
    {
        settings.Validate();
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var wasRunning = _run is not null;
            await StopRunAsync().ConfigureAwait(false);
            Settings = settings;
            if (wasRunning)
            {
                _run = new CollectorRun(Settings, _loggers, _dependencies);
                _run.Start();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
