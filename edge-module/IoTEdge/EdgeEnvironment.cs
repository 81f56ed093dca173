namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// Where the IoT Edge client's identity comes from: the variables the IoT Edge runtime sets in every module
/// container, or (outside IoT Edge) a module connection string in <c>EdgeHubConnectionString</c>, the variable
/// the Azure IoT SDK's <c>ModuleClient.CreateFromEnvironmentAsync</c> also reads.
/// </summary>
public static class EdgeEnvironment
{
    public const string IoTHubHostName = "IOTEDGE_IOTHUBHOSTNAME";
    public const string GatewayHostName = "IOTEDGE_GATEWAYHOSTNAME";
    public const string DeviceId = "IOTEDGE_DEVICEID";
    public const string ModuleId = "IOTEDGE_MODULEID";
    public const string ModuleGenerationId = "IOTEDGE_MODULEGENERATIONID";
    public const string WorkloadUri = "IOTEDGE_WORKLOADURI";
    public const string ApiVersion = "IOTEDGE_APIVERSION";
    public const string ConnectionString = "EdgeHubConnectionString";
    /// <summary>PEM file of roots to trust when a connection string names a <c>GatewayHostName</c>.</summary>
    public const string CaCertificateFile = "EdgeModuleCACertificateFile";

    /// <summary>The variables that must all be set for the workload-API path.</summary>
    public static readonly IReadOnlyList<string> RuntimeVariables =
        [IoTHubHostName, GatewayHostName, DeviceId, ModuleId, ModuleGenerationId, WorkloadUri];

    /// <summary>True when either identity source is present, i.e. the module should start the IoT Edge client.</summary>
    public static bool IsPresent(Func<string, string?> env) =>
        !string.IsNullOrEmpty(env(ConnectionString)) || RuntimeVariables.All(v => !string.IsNullOrEmpty(env(v)));

    /// <summary>
    /// Builds client options from the environment, or returns null when neither identity source is present.
    /// A connection string wins over the runtime variables, so a developer can point a module at a hub from a
    /// shell that happens to have some IOTEDGE_ variables set.
    /// </summary>
    public static EdgeHubClientOptions? CreateOptions(Func<string, string?> env, IList<IDisposable> disposables)
    {
        var connectionString = env(ConnectionString);
        if (!string.IsNullOrEmpty(connectionString))
        {
            var parsed = ModuleConnectionString.Parse(connectionString);
            var caFile = env(CaCertificateFile);
            return new EdgeHubClientOptions
            {
                Identity = parsed.Identity,
                Signer = new SharedKeySigner(parsed.SharedAccessKey),
                TrustRoots = string.IsNullOrEmpty(caFile) ? null : _ => Task.FromResult(TrustBundle.LoadPemFile(caFile)),
            };
        }

        if (!IsPresent(env)) return null;
        var identity = new ModuleIdentity(env(IoTHubHostName)!, env(DeviceId)!, env(ModuleId)!, env(GatewayHostName));
        var workload = new WorkloadApiClient(new Uri(env(WorkloadUri)!), identity.ModuleId, env(ModuleGenerationId)!, env(ApiVersion));
        disposables.Add(workload);
        return new EdgeHubClientOptions
        {
            Identity = identity,
            Signer = workload,
            TrustRoots = workload.GetTrustBundleAsync,
        };
    }
}
