using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Metrics;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;

namespace SensorStream.EdgeModule;

/// <summary>
/// One running configuration: queue, sampler, queue writer, CSV importers and coordinator, started and
/// stopped in dependency order. <see cref="Collector"/> replaces the run when the configuration changes.
/// </summary>
internal sealed class CollectorRun
{
    private readonly EdgeSettings _settings;
    private readonly ILoggerFactory _loggers;
    private readonly EventQueue _queue;
    private readonly GatewayClient _gateway;
    private readonly TransactionCoordinator _coordinator;
    private readonly List<ISensorSource> _sources;
    private readonly List<ISensor> _sensors;
    private readonly SamplerOptions _samplerOptions;
    private readonly ILogger _log;
    private volatile Sampler? _sampler;
    private volatile List<BufferedSampler> _buffered = [];
    private readonly QueueWriter _writer;
    private volatile List<CsvDirectoryImporter> _importers = [];
    private readonly CancellationTokenSource _importStop = new();
    private readonly CancellationTokenSource _startStop = new();
    private Task _startup = Task.CompletedTask;
    private readonly CancellationTokenSource _coordinatorStop = new();
    private readonly List<Task> _importerTasks = [];
    private Task _coordinatorTask = Task.CompletedTask;

    public CollectorRun(EdgeSettings settings, ILoggerFactory loggers, CollectorDependencies dependencies)
    {
        _settings = settings;
        _loggers = loggers;
        var log = _log = loggers.CreateLogger<Collector>();
        _queue = EventQueue.Open(settings.Db, new QueueOptions
        {
            MaxBytes = settings.MaxQueueBytes,
            FullPolicy = settings.QueueFull,
            MaxBytesSetting = SettingsCatalog.ByKey(nameof(EdgeSettings.MaxQueueMb)).Flag!,
            BatchSetting = SettingsCatalog.ByKey(nameof(EdgeSettings.Batch)).Flag!,
        }, loggers.CreateLogger<EventQueue>());
        _sources = [];
        try
        {
            var factory = dependencies.Sensors with { RateHz = settings.Rate, Loggers = loggers };
            foreach (var spec in settings.Sensors) _sources.Add(factory.Open(spec));
            _gateway = new GatewayClient(new GatewayClientOptions
            {
                Endpoint = settings.Gateway!,
                AuthToken = settings.ReadGatewayToken(),
                TrustedCertificateFile = settings.GatewayCaFile,
                MaxRetryAttempts = 0, // the coordinator's own back-off handles every failure
                CallTimeout = TimeSpan.FromSeconds(15),
            });
        }
        catch
        {
            foreach (var s in _sources) s.Dispose();
            _queue.Dispose();
            throw;
        }
        _sensors = _sources.OfType<ISensor>().ToList();
        _writer = new QueueWriter(_queue, loggers.CreateLogger<QueueWriter>());
        _samplerOptions = new SamplerOptions
        {
            RateHz = settings.Rate,
            BatchSize = settings.Batch,
            FlushInterval = settings.FlushInterval,
            Spin = settings.Spin,
            RealtimePriority = settings.RealtimePriority,
        };
        _coordinator = new TransactionCoordinator(_queue, _gateway, settings.StreamName, new CoordinatorOptions
        {
            MaxEventsPerTransaction = settings.TxnMaxEvents,
            Lease = settings.TxnLease,
            RetryMaxDelay = settings.RetryMaxDelay,
            OutcomeWindow = settings.OutcomeWindow,
            WriterId = CollectorEventTime.WriterIdFor(settings.Db),
        }, dependencies.Faults, loggers.CreateLogger<TransactionCoordinator>())
        {
            EventTime = new CollectorEventTime(LowWaterNanos, _writer, _queue),
        };
        _faults = dependencies.Faults;
        log.LogInformation("Collector: {Sensors} polled and {Buffered} hardware-timed sensors at {Rate} Hz, batch {Batch}, {Csv} CSV directories → {Stream} at {Gateway}; queue {Db} ({Queued} events queued, {Pending} pending transactions)",
            _sensors.Count, _sources.OfType<IBufferedSensor>().Count(), settings.Rate, settings.Batch, _sources.OfType<CsvImportSource>().Count(),
            settings.StreamName, settings.Gateway, Path.GetFullPath(settings.Db), _queue.Stats().Events, _queue.Stats().PendingTransactions);
    }

    private readonly ICoordinatorFaults _faults;

    /// <summary>
    /// Creates and starts the samplers, numbering from the queue's next sequences (<see cref="EventQueue.StartNumbering"/>):
    /// only once they are proven (<see cref="EventQueue.SequencesUnproven"/> null). A rollback the start-up check finds later
    /// moves what they numbered before it (EventQueue.Numbering.cs); nothing is shipped before the check.
    /// </summary>
    private void StartSamplers(bool checkFollows)
    {
        var nextSequences = _queue.StartNumbering(_sources.Where(s => s is ISensor or IBufferedSensor).Select(s => s.SensorId), checkFollows);
        if (_sensors.Count > 0)
            _sampler = new Sampler(_samplerOptions, _sensors, nextSequences, _writer.Post, _loggers.CreateLogger<Sampler>());
        _buffered = _sources.OfType<IBufferedSensor>()
            .Select(s => new BufferedSampler(s, _samplerOptions, nextSequences.GetValueOrDefault(s.SensorId), _writer.Post, _loggers.CreateLogger<BufferedSampler>()))
            .ToList();
        _sampler?.Start();
        foreach (var b in _buffered) b.Start();
    }

    /// <summary>
    /// Creates and starts the CSV importers, each numbering from the queue's next sequence of its sensor: only after the
    /// start-up check, so never renumbered (a file waits on disk meanwhile: nothing is lost by the wait).
    /// </summary>
    private void StartImporters()
    {
        _importers = _sources.OfType<CsvImportSource>()
            .Select(s => new CsvDirectoryImporter(s.Directory, _queue, _settings.Batch, _settings.CsvStableTime,
                _loggers.CreateLogger<CsvDirectoryImporter>(), _settings.CsvDialect, _faults))
            .ToList();
        foreach (var importer in _importers)
            _importerTasks.Add(Task.Run(() => RunImporterAsync(importer, _importStop.Token)));
    }

    /// <summary>
    /// Waits until the coordinator has proven the sequences (read them from the stream for a queue whose files cannot prove
    /// them; checked the stream after the queue's recorded tail otherwise), then starts what waited for it: the samplers
    /// too when <paramref name="samplers"/> (unproven sequences: nothing may be numbered before), the CSV importers always.
    /// </summary>
    private async Task StartWhenProvenAsync(bool samplers, CancellationToken ct)
    {
        try
        {
            await _coordinator.SequencesProven.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        if (samplers)
        {
            _log.LogInformation("Sequences proven from the stream: sampling starts");
            // The samples of the wait were never taken (no sequence numbers were handed out, so verify shows no gap): said once.
            var waited = Stopwatch.GetElapsedTime(_startedAt);
            if (waited > NotSampledWarning)
                _log.LogWarning("No sample was taken for the first {Seconds:N1} s of this run: the queue's sequence files could not prove which numbers are " +
                                "free, and numbering waited for the gateway {Gateway} to answer the read of the stream {Stream} (edge-module/README.md, \"Queue damage\")",
                    waited.TotalSeconds, _settings.Gateway, _settings.StreamName);
            StartSamplers(checkFollows: false);
        }
        else
        {
            _log.LogInformation("Sequences checked against the stream after the queue's recorded tail: shipping starts");
        }
        StartImporters();
    }

    /// <summary>
    /// No sample the samplers hand over from now on is older than this (ns since the Unix epoch): the lowest of the
    /// polled sampler's and every hardware-timed sampler's low water; null with neither (a CSV-only collector).
    /// </summary>
    private long? LowWaterNanos()
    {
        long? low = _sampler?.LowWaterNanos;
        foreach (var b in _buffered) low = low is { } l ? Math.Min(l, b.LowWaterNanos) : b.LowWaterNanos;
        return low;
    }

    /// <summary>A wait for unproven sequences that kept the samplers waiting longer than this is logged as a warning with its length.</summary>
    private static readonly TimeSpan NotSampledWarning = TimeSpan.FromSeconds(2);

    private long _startedAt;

    public void Start()
    {
        _startedAt = Stopwatch.GetTimestamp();
        _coordinatorTask = Task.Run(() => _coordinator.RunAsync(_coordinatorStop.Token));
        if (_queue.SequencesUnproven is not { } reason)
        {
            var checkFollows = _queue.RecordedStreamTail() is not null;
            StartSamplers(checkFollows); // at once, from the database's own sequences
            if (!checkFollows)
            {
                StartImporters(); // a database from before the recorded tail: not checked this once (EventQueue.StreamTail.cs)
                return;
            }
            _log.LogInformation("Queue {Db}: checking the stream {Stream} after the tail recorded with its last commit (this finds a database " +
                                "restored from an older copy together with its sequence files); sampling goes on meanwhile, shipping starts once the gateway " +
                                "{Gateway} has answered (samples numbered before a rollback is found are renumbered above the stream before they are sent)",
                Path.GetFullPath(_settings.Db), _settings.StreamName, _settings.Gateway);
            _startup = Task.Run(() => StartWhenProvenAsync(samplers: false, _startStop.Token));
            return;
        }
        _log.LogWarning("Queue: {Reason}. Which sequence numbers are free cannot be proven from local files: no sample is taken (and nothing " +
                        "shipped) until the highest sequence per sensor the stream {Stream} already holds has been read from the gateway {Gateway}; " +
                        "every sensor then continues after it", reason, _settings.StreamName, _settings.Gateway);
        _startup = Task.Run(() => StartWhenProvenAsync(samplers: true, _startStop.Token));
    }

    private async Task RunImporterAsync(CsvDirectoryImporter importer, CancellationToken ct)
    {
        try
        {
            await importer.RunAsync(_settings.CsvPollInterval, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>Emits the open batches now and waits (up to <paramref name="timeout"/> in all) until everything queued is committed.</summary>
    public async Task<FlushResult> FlushAsync(TimeSpan timeout, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan Left() => timeout - clock.Elapsed > TimeSpan.Zero ? timeout - clock.Elapsed : TimeSpan.Zero;
        try
        {
            if (_sampler is not null) await _sampler.FlushAsync().WaitAsync(Left(), ct).ConfigureAwait(false);
            await Task.WhenAll(_buffered.Select(b => b.FlushAsync())).WaitAsync(Left(), ct).ConfigureAwait(false);
            await _writer.WhenStoredAsync().WaitAsync(Left(), ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new FlushResult(false, _queue.Stats().Events);
        }
        var drained = await _coordinator.WaitUntilDrainedAsync(Left(), ct).ConfigureAwait(false);
        return new FlushResult(drained, _queue.Stats().Events);
    }

    /// <summary>
    /// Clean shutdown: stop sampling and keep the open batches, store them, ship the queue for up to the
    /// shutdown timeout, then stop. A transaction cut short stays pending and is recovered at the next start.
    /// </summary>
    public async Task StopAsync()
    {
        _startStop.Cancel();
        await _startup.ConfigureAwait(false);
        if (_sampler is not null) await _sampler.StopAsync().ConfigureAwait(false);
        await Task.WhenAll(_buffered.Select(b => b.StopAsync())).ConfigureAwait(false);
        _importStop.Cancel();
        await Task.WhenAll(_importerTasks).ConfigureAwait(false);
        await _writer.CompleteAsync().ConfigureAwait(false);
        var drained = await _coordinator.WaitUntilDrainedAsync(_settings.ShutdownTimeout, CancellationToken.None).ConfigureAwait(false);
        _coordinatorStop.Cancel();
        await _coordinatorTask.ConfigureAwait(false);
        var stats = _queue.Stats();
        _loggers.CreateLogger<Collector>().LogInformation(
            drained ? "Collector stopped: queue drained" : "Collector stopped with {Events} events queued and {Pending} transactions pending (shipped at the next start)",
            stats.Events, stats.PendingTransactions);
        _sampler?.Dispose();
        foreach (var b in _buffered) b.Dispose();
        foreach (var s in _sources) s.Dispose();
        _gateway.Dispose();
        _queue.Dispose();
    }

    public CollectorMetrics Metrics()
    {
        var sampler = _sampler?.Stats;
        var perSensor = (_sampler?.SensorStats ?? []).Concat(_buffered.Select(b => b.Stats))
            .Select(s => new SensorMetrics(s.SensorId, s.Samples, s.Late, s.Missed, s.ReadErrors, s.MaxLatenessNanos / 1000.0)).ToList();
        var queue = _queue.Stats();
        var c = _coordinator.Stats;
        var now = DateTimeOffset.UtcNow;
        return new CollectorMetrics
        {
            At = now,
            Sensors = perSensor.Count + _importers.Count,
            SamplesPerSecond = sampler?.SamplesLastSecond ?? 0,
            SamplesTotal = perSensor.Sum(s => s.Samples),
            LateSamples = perSensor.Sum(s => s.LateSamples),
            MissedSamples = perSensor.Sum(s => s.MissedSamples),
            PerSensor = perSensor,
            LatenessP50Micros = (sampler?.Lateness.QuantileNanos(0.50) ?? 0) / 1000.0,
            LatenessP99Micros = (sampler?.Lateness.QuantileNanos(0.99) ?? 0) / 1000.0,
            LatenessMaxMicros = (sampler?.Lateness.MaxNanos ?? 0) / 1000.0,
            SensorReadErrors = perSensor.Sum(s => s.ReadErrors),
            QueueEvents = queue.Events,
            QueueBytes = queue.Bytes,
            PendingTransactions = queue.PendingTransactions,
            BacklogAgeSeconds = queue.OldestCreatedUnixNanos is { } oldest ? Math.Max(0, (MonotonicClock.UnixNowNanos() - oldest) / 1e9) : 0,
            RejectedSamples = queue.RejectedSamples,
            DroppedSamples = queue.DroppedSamples,
            QueueDamageGaps = queue.DamageGaps,
            QueueDamageLostSamples = queue.DamageLostSamples,
            CommittedTransactions = c.CommittedTransactions,
            CommittedEvents = c.CommittedEvents,
            CommittedSamples = c.CommittedSamples,
            RecoveredTransactions = c.RecoveredTransactions,
            RewrittenTransactions = c.RewrittenTransactions,
            GatewayErrors = c.Errors,
            GatewayAvailable = c.GatewayAvailable,
            LastGatewayError = c.LastError,
            GatewayProtocol = c.Protocol,
            RecoveryReads = c.RecoveryReads,
            LastRecoveryReadMillis = c.LastRecoveryRead.TotalMilliseconds,
            CsvFilesImported = _importers.Sum(i => i.FilesImported),
            CsvRowsQuarantined = _importers.Sum(i => i.RowsQuarantined),
        };
    }
}
