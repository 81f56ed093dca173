using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// The two gateway protocols the collector's exactly-once suite runs against: <c>extended</c> (explicit transactions)
/// and <c>public</c> (our gateway with <c>--protocol public</c>, standing in for a pravega-grpc-gateway in front of a
/// Pravega cluster: the collector switches to its recorded-cut coordinator).
/// </summary>
internal static class GatewayModes
{
    public const string Extended = "extended";
    public const string Public = "public";

    public static TheoryData<string> Both => new(Extended, Public);

    /// <summary>A gateway child process in <paramref name="mode"/> on <paramref name="dataDir"/>.</summary>
    public static Task<GatewayProcess> StartAsync(string mode, string dataDir, int? port = null) =>
        GatewayProcess.StartAsync(dataDir, mode == Public ? ["--protocol", "public"] : null, port);

    /// <summary>The collector's log line of the switch to the public-protocol coordinator.</summary>
    public const string SwitchLine = "switching to the public-protocol coordinator";
}
