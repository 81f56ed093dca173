using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>A message the module published, as the broker delivered it.</summary>
public sealed record Published(string Topic, string Payload)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Payload)!;
}

/// <summary>
/// edgeHub's side of the IoT Hub MQTT topics, played by an MQTTnet client on the same broker: it answers twin
/// GETs with <see cref="Desired"/>, acknowledges reported PATCHes with 204, sends desired patches and method
/// calls, and records everything the module publishes.
/// </summary>
public sealed class FakeEdgeHub : IAsyncDisposable
{
    public const string UserName = "fake-edgehub";

    private readonly IMqttClient _mqtt;
    private readonly List<Published> _published = [];
    private readonly Channel<MqttApplicationMessage> _replies = Channel.CreateUnbounded<MqttApplicationMessage>();
    private readonly Task _replier;
    private int _methodRid = 1000;
    private long _reportedVersion = 1;

    /// <summary>The desired properties served on twin GET (without $version).</summary>
    public JsonObject Desired { get; } = new();
    public long DesiredVersion { get; private set; } = 1;

    /// <summary>Answer twin GETs with this status instead of 200 when set.</summary>
    public int? TwinGetStatus { get; set; }

    /// <summary>Answer reported PATCHes with this status instead of 204 when set.</summary>
    public int? ReportedStatus { get; set; }

    private FakeEdgeHub(IMqttClient mqtt)
    {
        _mqtt = mqtt;
        _mqtt.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            lock (_published) _published.Add(new Published(message.Topic, Encoding.UTF8.GetString(message.Payload.ToArray())));
            _replies.Writer.TryWrite(message);
            return Task.CompletedTask;
        };
        _replier = Task.Run(ReplyLoopAsync);
    }

    public static async Task<FakeEdgeHub> ConnectAsync(int port, string password, bool tls)
    {
        var mqtt = new MqttClientFactory().CreateMqttClient();
        var hub = new FakeEdgeHub(mqtt);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("fake-edgehub-" + Guid.NewGuid().ToString("N")[..8])
            .WithCredentials(UserName, password);
        // The test's own side of the broker: it knows the certificate is the test CA's, so it skips the check.
        if (tls) options.WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(_ => true));
        await mqtt.ConnectAsync(options.Build());
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("$iothub/twin/GET/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("$iothub/twin/PATCH/properties/reported/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("$iothub/methods/res/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("devices/+/modules/+/messages/events/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await mqtt.SubscribeAsync(subscribe);
        return hub;
    }

    public IReadOnlyList<Published> Published
    {
        get { lock (_published) return [.. _published]; }
    }

    public IReadOnlyList<Published> Where(string topicPrefix) =>
        Published.Where(p => p.Topic.StartsWith(topicPrefix, StringComparison.Ordinal)).ToList();

    public IReadOnlyList<Published> ReportedPatches => Where("$iothub/twin/PATCH/properties/reported/");
    public IReadOnlyList<Published> TwinGets => Where("$iothub/twin/GET/");
    public IReadOnlyList<Published> Telemetry => Where("devices/");

    /// <summary>Waits until <paramref name="count"/> messages on <paramref name="topicPrefix"/> have arrived.</summary>
    public async Task<IReadOnlyList<Published>> WaitForAsync(string topicPrefix, int count, TimeSpan? timeout = null)
    {
        await Poll.UntilAsync(() => Where(topicPrefix).Count >= count, $"{count} message(s) on {topicPrefix}", timeout);
        return Where(topicPrefix);
    }

    /// <summary>Merges <paramref name="patch"/> into <see cref="Desired"/> and pushes it as the next desired version.</summary>
    public async Task SendDesiredPatchAsync(JsonObject patch, long? versionOverride = null)
    {
        DesiredVersion = versionOverride ?? DesiredVersion + 1;
        SensorStream.EdgeModule.IoTEdge.JsonMergePatch.Apply(Desired, patch);
        var body = (JsonObject)patch.DeepClone();
        body["$version"] = DesiredVersion;
        await PublishAsync($"$iothub/twin/PATCH/properties/desired/?$version={DesiredVersion}", body.ToJsonString());
    }

    /// <summary>Pushes a desired patch with an arbitrary body (e.g. not JSON) as the next version.</summary>
    public Task SendRawDesiredPatchAsync(string body) => SendRawDesiredPatchAsync(Encoding.UTF8.GetBytes(body));

    /// <summary>Pushes a desired patch of arbitrary bytes: as the next version, or as <paramref name="version"/> without changing the hub's.</summary>
    public Task SendRawDesiredPatchAsync(byte[] body, long? version = null)
    {
        if (version is null) DesiredVersion++;
        return PublishAsync($"$iothub/twin/PATCH/properties/desired/?$version={version ?? DesiredVersion}", body);
    }

    /// <summary>Calls a direct method and waits for the module's reply; returns its status and payload.</summary>
    public async Task<(int Status, JsonNode? Payload, string Topic)> InvokeMethodAsync(string name, string payload = "{}")
    {
        var rid = Interlocked.Increment(ref _methodRid).ToString("x", CultureInfo.InvariantCulture);
        await PublishAsync($"$iothub/methods/POST/{name}/?$rid={rid}", payload);
        Published? reply = null;
        await Poll.UntilAsync(() => (reply = Where("$iothub/methods/res/").FirstOrDefault(p => p.Topic.EndsWith($"/?$rid={rid}", StringComparison.Ordinal))) is not null,
            $"the reply to method {name} ($rid={rid})");
        var status = int.Parse(reply!.Topic.Split('/')[3], CultureInfo.InvariantCulture);
        return (status, JsonNode.Parse(reply.Payload), reply.Topic);
    }

    private Task PublishAsync(string topic, string payload) => PublishAsync(topic, Encoding.UTF8.GetBytes(payload));

    private Task PublishAsync(string topic, byte[] payload) =>
        _mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    // Replies are published from here, not from the receive handler, so a QoS 1 publish never waits on the
    // very loop that would deliver its acknowledgement.
    private async Task ReplyLoopAsync()
    {
        await foreach (var message in _replies.Reader.ReadAllAsync())
        {
            var topic = message.Topic;
            var rid = topic.Contains("$rid=", StringComparison.Ordinal) ? topic[(topic.IndexOf("$rid=", StringComparison.Ordinal) + 5)..] : null;
            if (rid is null) continue;
            if (topic.StartsWith("$iothub/twin/GET/", StringComparison.Ordinal))
            {
                var desired = (JsonObject)Desired.DeepClone();
                desired["$version"] = DesiredVersion;
                var twin = new JsonObject { ["desired"] = desired, ["reported"] = new JsonObject { ["$version"] = _reportedVersion } };
                await PublishAsync($"$iothub/twin/res/{TwinGetStatus ?? 200}/?$rid={rid}", twin.ToJsonString());
            }
            else if (topic.StartsWith("$iothub/twin/PATCH/properties/reported/", StringComparison.Ordinal))
            {
                var version = Interlocked.Increment(ref _reportedVersion);
                await PublishAsync($"$iothub/twin/res/{ReportedStatus ?? 204}/?$rid={rid}&$version={version}",
                    ReportedStatus is null ? "" : """{"errorCode":400004,"message":"refused by the test"}""");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _replies.Writer.TryComplete();
        await _replier;
        if (_mqtt.IsConnected) await _mqtt.DisconnectAsync();
        _mqtt.Dispose();
    }
}
