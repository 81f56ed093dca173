using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>A message IoT Hub sent the module: a desired-properties patch or a direct method call.</summary>
internal sealed record IncomingMessage(string Topic, byte[] Payload);

/// <summary>IoT Hub's answer to a twin request: HTTP-like status and body.</summary>
internal sealed record TwinResponse(int Status, byte[] Payload);

/// <summary>
/// One authenticated MQTT connection to edgeHub: subscribes to the twin and method topics, correlates twin
/// requests with their responses by <c>$rid</c>, and queues the rest for the client to handle in order.
/// Received messages are only routed here, never handled inline, so a handler that waits on a twin response
/// cannot stall MQTTnet's receive loop (which would deadlock it).
/// </summary>
internal sealed class EdgeHubConnection : IAsyncDisposable
{
    private readonly IMqttClient _mqtt;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<TwinResponse>> _pending = new();
    private readonly Channel<IncomingMessage> _incoming = Channel.CreateUnbounded<IncomingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<Exception?> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _timeout;
    private long _nextRid;

    private EdgeHubConnection(IMqttClient mqtt, TimeSpan timeout)
    {
        _mqtt = mqtt;
        _timeout = timeout;
        _mqtt.ApplicationMessageReceivedAsync += OnMessageAsync;
        _mqtt.DisconnectedAsync += e =>
        {
            _lost.TrySetResult(e.Exception);
            foreach (var pending in _pending.Values) pending.TrySetException(new IOException("Disconnected from edgeHub."));
            _incoming.Writer.TryComplete();
            return Task.CompletedTask;
        };
    }

    public ChannelReader<IncomingMessage> Incoming => _incoming.Reader;

    /// <summary>Completes when the broker or the network drops the connection (with the cause, when known).</summary>
    public Task<Exception?> Lost => _lost.Task;

    public static async Task<EdgeHubConnection> ConnectAsync(EdgeHubClientOptions options, string sasToken, CancellationToken ct)
    {
        var id = options.Identity;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(id.ConnectHost, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311) // IoT Hub and edgeHub speak MQTT 3.1.1
            .WithClientId(id.ClientId)
            .WithCredentials(id.UserName, sasToken)
            .WithCleanSession(true) // state is re-fetched (twin GET) and re-subscribed on every connection
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.OperationTimeout);
        if (options.UseTls)
        {
            var roots = options.TrustRoots is null ? null : await options.TrustRoots(ct).ConfigureAwait(false);
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(id.ConnectHost);
                if (roots is not null)
                    tls.WithCertificateValidationHandler(e => TrustBundle.Validate(e.Certificate, e.Chain, e.SslPolicyErrors, roots));
            });
        }

        var mqtt = new MqttClientFactory().CreateMqttClient();
        var connection = new EdgeHubConnection(mqtt, options.OperationTimeout);
        try
        {
            var result = await mqtt.ConnectAsync(builder.Build(), ct).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                throw new IOException($"edgeHub refused the connection: {result.ResultCode} {result.ReasonString}");
            var subscribe = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(IoTHubTopics.TwinResponseFilter, MqttQualityOfServiceLevel.AtMostOnce)
                .WithTopicFilter(IoTHubTopics.DesiredPatchFilter, MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(IoTHubTopics.MethodRequestFilter, MqttQualityOfServiceLevel.AtMostOnce)
                .Build();
            var subscribed = await mqtt.SubscribeAsync(subscribe, ct).ConfigureAwait(false);
            foreach (var item in subscribed.Items)
                if ((int)item.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2)
                    throw new IOException($"edgeHub refused subscription {item.TopicFilter.Topic}: {item.ResultCode}");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Publishes a twin request on the topic built for a fresh <c>$rid</c> and waits for its response.</summary>
    public async Task<TwinResponse> TwinRequestAsync(Func<string, string> topicForRid, byte[] payload, CancellationToken ct)
    {
        var rid = Interlocked.Increment(ref _nextRid).ToString(CultureInfo.InvariantCulture);
        var pending = new TaskCompletionSource<TwinResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[rid] = pending;
        try
        {
            await PublishAsync(topicForRid(rid), payload, MqttQualityOfServiceLevel.AtMostOnce, ct).ConfigureAwait(false);
            return await pending.Task.WaitAsync(_timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No twin response to $rid={rid} within {_timeout.TotalSeconds:0} s.");
        }
        finally
        {
            _pending.TryRemove(rid, out _);
        }
    }

    public Task PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .Build();
        return _mqtt.PublishAsync(message, ct);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        // MQTTnet reuses the payload buffer after this handler returns: copy it.
        var payload = e.ApplicationMessage.Payload.ToArray();
        if (IoTHubTopics.TryParseTwinResponse(topic, out var status, out var rid))
        {
            if (_pending.TryGetValue(rid, out var pending)) pending.TrySetResult(new TwinResponse(status, payload));
        }
        else
        {
            _incoming.Writer.TryWrite(new IncomingMessage(topic, payload));
        }
        return Task.CompletedTask;
    }

    /// <summary>Says goodbye to the broker (so it does not publish a will or wait for the keep-alive).</summary>
    public async Task DisconnectAsync()
    {
        if (!_mqtt.IsConnected) return;
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            await _mqtt.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Already gone: nothing to say goodbye to.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync().ConfigureAwait(false);
        _mqtt.Dispose();
    }
}
