namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// Who this module is to IoT Hub and where its MQTT connection goes.
/// <see cref="HubHostName"/> names the identity (it appears in the username and the SAS resource even when
/// the connection goes to edgeHub); <see cref="GatewayHostName"/>, when set, is the host actually dialled.
/// </summary>
public sealed record ModuleIdentity(string HubHostName, string DeviceId, string ModuleId, string? GatewayHostName = null)
{
    /// <summary>The API version IoT Hub's MQTT username carries for modules.</summary>
    public const string MqttApiVersion = "2021-04-12";

    /// <summary>MQTT client id: one connection per identity, so a second client with it kicks the first off.</summary>
    public string ClientId => $"{DeviceId}/{ModuleId}";

    public string UserName => $"{HubHostName}/{DeviceId}/{ModuleId}/?api-version={MqttApiVersion}";

    /// <summary>The SAS token audience (not URL-encoded).</summary>
    public string ResourceUri => $"{HubHostName}/devices/{DeviceId}/modules/{ModuleId}";

    /// <summary>The host the MQTT connection dials: edgeHub when behind a gateway, else the hub itself.</summary>
    public string ConnectHost => string.IsNullOrEmpty(GatewayHostName) ? HubHostName : GatewayHostName;
}
