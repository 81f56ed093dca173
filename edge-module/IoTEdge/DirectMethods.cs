using System.Text.Json.Nodes;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>The module's direct methods: <c>status</c> (metrics snapshot) and <c>flush</c> (commit what is queued now).</summary>
public static class DirectMethods
{
    public const string Status = "status";
    public const string Flush = "flush";

    public static readonly IReadOnlyList<string> Names = [Status, Flush];

    /// <summary>Runs method <paramref name="name"/>; returns the status code and JSON payload of the reply.</summary>
    public static async Task<(int Status, JsonNode Payload)> InvokeAsync(IModuleHost host, string name, CancellationToken ct)
    {
        try
        {
            return name switch
            {
                Status => (200, host.MetricsSnapshot()),
                Flush => (200, await host.FlushAsync(ct).ConfigureAwait(false)),
                _ => (404, new JsonObject
                {
                    ["error"] = $"unknown method '{name}'",
                    ["methods"] = new JsonArray([.. Names.Select(n => JsonValue.Create(n))]),
                }),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The caller in the cloud gets the reason; the module keeps running.
            return (500, new JsonObject { ["error"] = e.Message });
        }
    }
}
