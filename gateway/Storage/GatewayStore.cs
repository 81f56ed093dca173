using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// All scopes and streams under the data directory: <c>{data}/scopes/{scope}/{stream}/</c>. Names are checked with
/// <see cref="NameRules"/> before they touch the file system, so no request can reach outside the data directory.
/// </summary>
public sealed class GatewayStore : IAsyncDisposable
{
    private readonly StoreOptions _options;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _log;
    private readonly string _scopesDirectory;
    private readonly string _trashDirectory;
    private readonly string _stagingDirectory;
    private readonly ConcurrentDictionary<string, byte> _scopes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Scope, string Stream), StreamStore> _streams = new();
    private readonly SemaphoreSlim _layoutLock = new(1, 1);
    private FileStream? _directoryLock;
    private readonly CountedLimit _transactions;
    private readonly StoreHealth _health = new();
    private readonly SegmentHandles _segmentHandles;

    private GatewayStore(StoreOptions options, ILoggerFactory logs)
    {
        _options = options;
        _logs = logs;
        _log = logs.CreateLogger<GatewayStore>();
        _scopesDirectory = Path.Combine(options.DataDirectory, "scopes");
        _trashDirectory = Path.Combine(options.DataDirectory, "trash");
        _stagingDirectory = Path.Combine(options.DataDirectory, "staging");
        _transactions = new CountedLimit(options.MaxOpenTransactions);
        _segmentHandles = new SegmentHandles(options.MaxOpenSegmentFiles);
    }

    public StoreOptions Options => _options;

    /// <summary>Why writes cannot succeed now (a full disk, a failed stream), or null: the health service answers NOT_SERVING meanwhile.</summary>
    public string? WritesBlocked =>
        _health.DiskFull ?? (_streams.Values.FirstOrDefault(s => s.Faulted) is { } failed ? $"stream {failed} failed and is being reopened" : null);

    /// <summary>Segment files open now (against <see cref="StoreOptions.MaxOpenSegmentFiles"/>).</summary>
    public int OpenSegmentFiles => _segmentHandles.Open;

    /// <summary>Open transactions across all streams (against <see cref="StoreOptions.MaxOpenTransactions"/>).</summary>
    public int OpenTransactions => (int)_transactions.Held;

    /// <summary>
    /// Opens (and recovers) every stream under the data directory. <c>staging/</c> (streams whose creation never
    /// finished: they are laid out there and renamed into place) and <c>trash/</c> (deletions that never finished) are
    /// emptied; nothing under <c>scopes/</c> is removed. A stream folder without <c>stream.json</c> that holds files is
    /// damage (start-up is refused naming it); one holding no file at all (an older gateway's unfinished creation) is
    /// skipped with a warning.
    /// </summary>
    public static GatewayStore Open(StoreOptions options, ILoggerFactory logs)
    {
        var store = new GatewayStore(options, logs);
        Directory.CreateDirectory(store._scopesDirectory);
        store._directoryLock = DataDirectoryLock.Take(options.DataDirectory); // one gateway (or verify/salvage) per data directory: two would interleave appends
        try
        {
            store.OpenAll();
        }
        catch
        {
            // Refused (damage, a layout to upgrade): release what was opened, so a tool or a test can look at the directory.
            foreach (var stream in store._streams.Values) stream.Abandon();
            store._directoryLock.Dispose();
            throw;
        }
        store._log.LogInformation("Opened {Scopes} scope(s) and {Streams} stream(s) in {Dir}", store._scopes.Count, store._streams.Count, options.DataDirectory);
        return store;
    }

    private void OpenAll()
    {
        var store = this;
        var prepared = new List<((string Scope, string Stream) Key, StreamStore.PreparedStream Stream)>();
        try
        {
            foreach (var scopeDir in Directory.EnumerateDirectories(store._scopesDirectory))
            {
                var scope = Path.GetFileName(scopeDir);
                if (NameRules.Problem(scope, "scope") is not null) continue;
                store._scopes[scope] = 0;
                foreach (var streamDir in Directory.EnumerateDirectories(scopeDir))
                {
                    var stream = Path.GetFileName(streamDir);
                    if (NameRules.Problem(stream, "stream") is not null) continue;
                    var paths = new StreamPaths(streamDir);
                    if (!File.Exists(paths.ConfigFile))
                    {
                        if (Directory.EnumerateFiles(streamDir, "*", SearchOption.AllDirectories).Any())
                            throw new StorageDamageException(paths.ConfigFile, 0,
                                "the stream's configuration is missing but its folder holds data; nothing was deleted. Restore stream.json (segment count, retention) to start");
                        store._log.LogWarning("Skipping {Dir}: an unfinished creation of an older gateway (no stream.json, no file in it)", streamDir);
                        continue;
                    }
                    prepared.Add(((scope, stream), StreamStore.Prepare(scope, stream, paths, _options, _logs.CreateLogger($"Stream {scope}/{stream}"), _transactions, _health, _segmentHandles)));
                }
            }
        }
        catch
        {
            foreach (var (_, p) in prepared) p.Abandon();
            throw;
        }
        // Every stream passed its checks: only now is anything repaired (a start-up refused for one stream changed no other).
        for (var i = 0; i < prepared.Count; i++)
        {
            try
            {
                store._streams[prepared[i].Key] = prepared[i].Stream.Complete();
            }
            catch
            {
                for (var j = i + 1; j < prepared.Count; j++) prepared[j].Stream.Abandon(); // the completed ones are in _streams: Open abandons them
                throw;
            }
        }
        // Leftovers of deletions and unfinished creations go only once every stream opened: a refused start-up keeps them.
        if (Directory.Exists(store._trashDirectory)) Directory.Delete(store._trashDirectory, recursive: true);
        if (Directory.Exists(store._stagingDirectory)) Directory.Delete(store._stagingDirectory, recursive: true);
    }

    public IReadOnlyList<string> Scopes() => [.. _scopes.Keys.Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> StreamsOf(string scope)
    {
        CheckScope(scope);
        return [.. _streams.Keys.Where(k => k.Scope == scope).Select(k => k.Stream).Order(StringComparer.Ordinal)];
    }

    public IEnumerable<StreamStore> AllStreams() => _streams.Values;

    /// <summary>False when the scope already existed.</summary>
    public async Task<bool> CreateScopeAsync(string scope)
    {
        Validate(scope, "scope");
        await _layoutLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_scopes.ContainsKey(scope)) return false;
            DurableFiles.CreateDirectory(Path.Combine(_scopesDirectory, scope));
            _scopes[scope] = 0;
            return true;
        }
        finally
        {
            _layoutLock.Release();
        }
    }

    /// <summary>False when the stream already existed (its configuration is left as it is).</summary>
    public async Task<bool> CreateStreamAsync(string scope, string stream, StreamConfig config)
    {
        Validate(scope, "scope");
        Validate(stream, "stream");
        if (config.Segments is < 1 or > 1024)
            throw new StoreException(StoreError.InvalidArgument, $"segment count {config.Segments} is out of range (1..1024)");
        if (config.Scaling?.Problem() is { } problem) throw new StoreException(StoreError.InvalidArgument, problem);
        await _layoutLock.WaitAsync().ConfigureAwait(false);
        try
        {
            CheckScope(scope);
            if (_streams.ContainsKey((scope, stream))) return false;
            var paths = new StreamPaths(Path.Combine(_scopesDirectory, scope, stream));
            // Laid out in staging and renamed into place: a stream folder under scopes/ is always complete.
            var staging = Path.Combine(_stagingDirectory, Guid.NewGuid().ToString("N"));
            DurableFiles.CreateDirectory(_stagingDirectory);
            StreamStore.CreateLayout(staging, config, _options);
            if (Directory.Exists(paths.Directory))
            {
                if (Directory.EnumerateFiles(paths.Directory, "*", SearchOption.AllDirectories).Any())
                    throw new StoreException(StoreError.FailedPrecondition, $"{paths.Directory} holds files of a stream the gateway could not open; it is left as it is");
                Directory.Delete(paths.Directory, recursive: true); // an older gateway's unfinished creation: empty folders only
            }
            Directory.Move(staging, paths.Directory);
            DurableFiles.SyncDirectory(Path.Combine(_scopesDirectory, scope));
            DurableFiles.SyncDirectory(_stagingDirectory);
            _streams[(scope, stream)] = StreamStore.Open(scope, stream, paths, _options, _logs.CreateLogger($"Stream {scope}/{stream}"), _transactions, _health, _segmentHandles);
            return true;
        }
        finally
        {
            _layoutLock.Release();
        }
    }

    /// <summary>The stream, or NOT_FOUND (INVALID_ARGUMENT for a bad name).</summary>
    public StreamStore Stream(string scope, string stream)
    {
        Validate(scope, "scope");
        Validate(stream, "stream");
        if (_streams.TryGetValue((scope, stream), out var store)) return store;
        CheckScope(scope);
        throw new StoreException(StoreError.NotFound, $"stream {scope}/{stream} does not exist");
    }

    /// <summary>Deletes the stream and its data; open transactions on it are gone, tailing readers end.</summary>
    public async Task DeleteStreamAsync(string scope, string stream)
    {
        var store = Stream(scope, stream);
        await _layoutLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_streams.TryRemove((scope, stream), out _)) return;
            store.MarkDeleted();
            await store.DisposeAsync().ConfigureAwait(false);
            // Rename first (atomic), delete after: a crash in between leaves only trash, never half a stream.
            Directory.CreateDirectory(_trashDirectory);
            var trash = Path.Combine(_trashDirectory, Guid.NewGuid().ToString("N"));
            Directory.Move(store.Paths.Directory, trash);
            DurableFiles.SyncDirectory(Path.Combine(_scopesDirectory, scope));
            Directory.Delete(trash, recursive: true);
        }
        finally
        {
            _layoutLock.Release();
        }
    }

    /// <summary>
    /// One round of background upkeep: lease expiry, retention, due checkpoints; after a full disk, a probe for space,
    /// and failed streams are reopened (recovered from their files, as at start-up) once there is room again, so
    /// writes resume without a restart.
    /// </summary>
    public async Task MaintainAsync(bool retention)
    {
        if (!_health.ProbeSpace(_options.DataDirectory)) return; // still full: nothing below can succeed
        foreach (var (key, stream) in _streams)
        {
            if (stream.Faulted)
            {
                await ReopenAsync(key, stream).ConfigureAwait(false);
                continue;
            }
            try
            {
                stream.ExpireLeases();
                if (retention) stream.EnforceRetention();
                await stream.CheckpointIfDueAsync().ConfigureAwait(false);
                await stream.AutoScaleIfDueAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or StoreException or ObjectDisposedException)
            {
                _log.LogWarning(e, "Upkeep of {Stream} failed; retried next round", stream);
            }
        }
    }

    private async Task ReopenAsync((string Scope, string Stream) key, StreamStore failed)
    {
        await _layoutLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_streams.TryGetValue(key, out var current) || current != failed) return;
            failed.Abandon();
            _streams[key] = StreamStore.Open(key.Scope, key.Stream, failed.Paths, _options, _logs.CreateLogger($"Stream {key.Scope}/{key.Stream}"), _transactions, _health, _segmentHandles);
            _log.LogWarning("Stream {Stream} reopened after a failure: recovered from its journal, writes resume", failed);
        }
        catch (Exception e) when (e is IOException or StorageDamageException or StoreException)
        {
            if (StoreHealth.IsDiskFull(e)) _health.ReportDiskFull($"reopening {failed}: {e.Message}");
            _log.LogWarning(e, "Reopening stream {Stream} failed; retried next round", failed);
        }
        finally
        {
            _layoutLock.Release();
        }
    }

    private void CheckScope(string scope)
    {
        Validate(scope, "scope");
        if (!_scopes.ContainsKey(scope)) throw new StoreException(StoreError.NotFound, $"scope {scope} does not exist");
    }

    private static void Validate(string name, string what)
    {
        if (NameRules.Problem(name, what) is { } problem) throw new StoreException(StoreError.InvalidArgument, problem);
    }

    /// <summary>Finishes queued commits and checkpoints every stream.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var stream in _streams.Values) await stream.DisposeAsync().ConfigureAwait(false);
        _streams.Clear();
        _directoryLock?.Dispose();
        _directoryLock = null;
    }
}
