using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Protocol;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// The module's link to IoT Hub through edgeHub: module twin (desired settings in, applied settings and status
/// out), direct methods, and a periodic health message. It runs beside the collector and never blocks it: when
/// edgeHub is down the collector keeps sampling and queueing, and this client retries with capped back-off.
/// </summary>
public sealed class EdgeHubClient(EdgeHubClientOptions options, IModuleHost host, ILogger? logger = null)
{
    private readonly ILogger _log = logger ?? NullLogger.Instance;
    private readonly ModuleTwin _twin = new(host, options.Time, options.HealthInterval, logger ?? NullLogger.Instance);
    private volatile bool _connected;
    private int _connectionCount;
    private DateTimeOffset? _connectedAt;
    private long _healthMessagesSent;

    public bool IsConnected => _connected;

    /// <summary>Successful connections so far (token renewals and reconnections each add one).</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public long HealthMessagesSent => Interlocked.Read(ref _healthMessagesSent);

    /// <summary>The settings accepted from the twin so far.</summary>
    public DesiredSettings Settings => _twin.Settings;

    public string? LastError { get; private set; }

    /// <summary>Status of the last reported-properties PATCH (204 = accepted).</summary>
    public int LastReportStatus => _twin.LastReportStatus;

    /// <summary>Connects, serves and reconnects until <paramref name="ct"/> is cancelled. Never throws otherwise.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var renewed = await RunOneConnectionAsync(ct).ConfigureAwait(false);
                // A planned renewal reconnects at once; a lost connection waits the shortest back-off first.
                failures = renewed ? 0 : 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                LastError = e.Message;
                _log.LogWarning("IoT Edge connection failed ({Failures} in a row): {Error}", failures, e.Message);
            }

            var delay = Backoff.Delay(failures, options.MinBackoff, options.MaxBackoff, Random.Shared.NextDouble());
            if (delay <= TimeSpan.Zero) continue;
            try
            {
                await Task.Delay(delay, options.Time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One connection's life. Returns true when it ended for a token renewal, false when it was lost.</summary>
    private async Task<bool> RunOneConnectionAsync(CancellationToken ct)
    {
        var now = options.Time.GetUtcNow();
        var expiry = (now + options.TokenLifetime).ToUnixTimeSeconds();
        var token = await SasToken.CreateAsync(options.Signer, options.Identity.ResourceUri, expiry, ct).ConfigureAwait(false);

        await using var mqtt = await EdgeHubConnection.ConnectAsync(options, token, ct).ConfigureAwait(false);
        _connectedAt = options.Time.GetUtcNow();
        var count = Interlocked.Increment(ref _connectionCount);
        _connected = true;
        LastError = null;
        _log.LogInformation("Connected to {Host} as {ClientId} (connection {Count})", options.Identity.ConnectHost, options.Identity.ClientId, count);
        try
        {
            await _twin.SyncAsync(mqtt, ReportedProperties.OnConnect(_connectedAt.Value, count), ct).ConfigureAwait(false);

            using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var incoming = ServeIncomingAsync(mqtt, session.Token);
            var health = SendHealthAsync(mqtt, session.Token);
            var renew = Task.Delay(options.TokenLifetime * options.RenewAt, options.Time, session.Token);

            var first = await Task.WhenAny(mqtt.Lost, incoming, health, renew).ConfigureAwait(false);
            await session.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(incoming, health).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();

            if (first == renew && renew.IsCompletedSuccessfully)
            {
                _log.LogInformation("Reconnecting to renew the SAS token before it expires");
                return true;
            }
            if (first is Task<Exception?> lost)
                throw new IOException("Connection to edgeHub lost.", lost.Result);
            await first.ConfigureAwait(false); // rethrows what ended the serving loops
            throw new IOException("Connection to edgeHub ended.");
        }
        finally
        {
            _connected = false;
        }
    }

    private async Task ServeIncomingAsync(EdgeHubConnection mqtt, CancellationToken ct)
    {
        await foreach (var message in mqtt.Incoming.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (IoTHubTopics.TryParseDesiredPatch(message.Topic, out var version))
            {
                await _twin.OnDesiredPatchAsync(mqtt, version, message.Payload, ct).ConfigureAwait(false);
            }
            else if (IoTHubTopics.TryParseMethodRequest(message.Topic, out var name, out var rid))
            {
                var (status, payload) = await DirectMethods.InvokeAsync(host, name, ct).ConfigureAwait(false);
                if (name == DirectMethods.Status && payload is JsonObject snapshot) snapshot["connection"] = ConnectionJson();
                await mqtt.PublishAsync(IoTHubTopics.MethodResponse(status, rid), Encoding.UTF8.GetBytes(payload.ToJsonString()),
                    MqttQualityOfServiceLevel.AtMostOnce, ct).ConfigureAwait(false);
            }
            else
            {
                _log.LogDebug("Ignoring message on {Topic}", message.Topic);
            }
        }
    }

    private async Task SendHealthAsync(EdgeHubConnection mqtt, CancellationToken ct)
    {
        var topic = HealthMessage.Topic(options.Identity);
        while (true)
        {
            // Re-read each time: the twin may change the interval.
            await Task.Delay(_twin.HealthInterval, options.Time, ct).ConfigureAwait(false);
            var body = HealthMessage.Body(options.Identity, host.MetricsSnapshot(), ConnectionJson(), options.Time.GetUtcNow());
            await mqtt.PublishAsync(topic, Encoding.UTF8.GetBytes(body.ToJsonString()), MqttQualityOfServiceLevel.AtLeastOnce, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _healthMessagesSent);
        }
    }

    private JsonObject ConnectionJson() => new()
    {
        ["connected"] = _connected,
        ["connectedAtUtc"] = _connectedAt?.UtcDateTime.ToString("O"),
        ["connectionCount"] = ConnectionCount,
        ["desiredVersion"] = _twin.DesiredVersion,
    };
}
