using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SensorStream.EdgeModule.IoTEdge;

namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>
/// One IoT Edge device in miniature: mosquitto as edgeHub's MQTT endpoint, the test as edgeHub's twin/method
/// side, a fake workload API holding the module key, and the module's <see cref="EdgeHubClient"/> under test.
/// </summary>
public sealed class EdgeRig : IAsyncDisposable
{
    public const string HubHostName = "contoso-hub.azure-devices.net";
    public const string DeviceId = "edge-device-1";
    public const string ModuleId = "sensorcollector";
    public const string GenerationId = "638712345678901234";

    public static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly CancellationTokenSource _stop = new();
    private readonly string _hubPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private Task? _run;

    public byte[] ModuleKey { get; } = RandomNumberGenerator.GetBytes(32);
    public FakeWorkloadApi Workload { get; private set; } = null!;
    public Mosquitto? Broker { get; private set; }
    public FakeEdgeHub? Hub { get; private set; }
    public FakeModuleHost Host { get; } = new();
    public EdgeHubClient Client { get; private set; } = null!;
    public EdgeHubClientOptions Options { get; private set; } = null!;
    public int Port { get; } = FreePort.Next();

    public ModuleIdentity Identity { get; } = new(HubHostName, DeviceId, ModuleId, "127.0.0.1");

    /// <param name="configure">Adjusts the client options (token lifetime, TLS, …).</param>
    /// <param name="brokerKey">The key the broker's expected password is computed with (default: the module's).</param>
    /// <param name="host">The module the client fronts (default: <see cref="Host"/>, a fake that records).</param>
    public static async Task<EdgeRig> StartAsync(Func<EdgeHubClientOptions, EdgeHubClientOptions>? configure = null,
        bool startBroker = true, bool startClient = true, byte[]? brokerKey = null, TlsFiles? tls = null, IModuleHost? host = null)
    {
        var rig = new EdgeRig();
        rig.Workload = await FakeWorkloadApi.StartAsync(rig.ModuleKey, ModuleId, GenerationId);
        var options = new EdgeHubClientOptions
        {
            Identity = rig.Identity,
            Signer = new WorkloadApiClient(rig.Workload.Uri, ModuleId, GenerationId),
            Port = rig.Port,
            UseTls = false,
            Time = new PinnedClock(Now),
            HealthInterval = TimeSpan.FromMilliseconds(300),
            MinBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
            // The product's default: a shorter one lets a loaded machine time out a twin sync or a health publish, and the
            // reconnection that follows breaks the tests' exact connection and twin-request counts.
            OperationTimeout = TimeSpan.FromSeconds(30),
        };
        rig.Options = configure is null ? options : configure(options);
        rig._brokerKey = brokerKey ?? rig.ModuleKey;
        rig._tls = tls;
        if (startBroker) await rig.StartBrokerAsync();
        rig.Client = new EdgeHubClient(rig.Options, host ?? rig.Host);
        if (startClient) rig.StartClient();
        return rig;
    }

    private byte[] _brokerKey = [];
    private TlsFiles? _tls;

    public Task RunTask => _run ?? Task.CompletedTask;

    public void StartClient() => _run = Client.RunAsync(_stop.Token);

    /// <summary>Starts (or restarts, on the same port) the broker and edgeHub's side of the topics.</summary>
    public async Task StartBrokerAsync()
    {
        var users = new Dictionary<string, string>
        {
            [Identity.UserName] = ExpectedPassword(_brokerKey, Options.TokenLifetime),
            [FakeEdgeHub.UserName] = _hubPassword,
        };
        Broker = await Mosquitto.StartAsync(users, _tls, Port);
        Hub = await FakeEdgeHub.ConnectAsync(Port, _hubPassword, _tls is not null);
    }

    public async Task StopBrokerAsync()
    {
        if (Hub is not null) await Hub.DisposeAsync();
        if (Broker is not null) await Broker.DisposeAsync();
        Hub = null;
        Broker = null;
    }

    /// <summary>Token expiry as IoT Hub sees it: Unix seconds of the pinned clock plus the lifetime.</summary>
    public static long Expiry(TimeSpan lifetime) => (Now + lifetime).ToUnixTimeSeconds();

    /// <summary>
    /// The SAS token computed independently of the code under test, straight from IoT Hub's documented
    /// formula, with Uri.EscapeDataString rather than the client's encoder.
    /// </summary>
    public static string ExpectedPassword(byte[] key, TimeSpan lifetime)
    {
        var se = Expiry(lifetime).ToString(CultureInfo.InvariantCulture);
        var sr = Uri.EscapeDataString($"{HubHostName}/devices/{DeviceId}/modules/{ModuleId}");
        var sig = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sr + "\n" + se)));
        return $"SharedAccessSignature sr={sr}&sig={Uri.EscapeDataString(sig)}&se={se}";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // RunAsync promises to end quietly on cancellation: an exception here fails the test.
        await RunTask.WaitAsync(TimeSpan.FromSeconds(30));
        await StopBrokerAsync();
        await Workload.DisposeAsync();
        _stop.Dispose();
    }
}
