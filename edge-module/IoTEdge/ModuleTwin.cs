using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// The module's view of its twin: the whole desired document and its version, kept across connections, and
/// the settings accepted from it. Desired patches merge into the document and the whole document is validated
/// and applied again, so fixing one bad property never needs the others to be sent again.
/// </summary>
internal sealed class ModuleTwin(IModuleHost host, TimeProvider time, TimeSpan configuredHealthInterval, ILogger log)
{
    private readonly ReportedProperties _reported = new();
    private JsonObject _desired = new();

    public long DesiredVersion { get; private set; } = -1;

    public DesiredSettings Settings { get; private set; } = new();

    /// <summary>On (re)connection: GET the whole twin, apply it, and report the result together with <paramref name="connection"/>.</summary>
    public async Task SyncAsync(EdgeHubConnection mqtt, JsonObject? connection, CancellationToken ct)
    {
        var response = await mqtt.TwinRequestAsync(IoTHubTopics.TwinGet, [], ct).ConfigureAwait(false);
        if (response.Status != 200)
            throw new IOException($"Twin GET failed with status {response.Status}: {Encoding.UTF8.GetString(response.Payload)}");
        var twin = TryParseObject(response.Payload) ?? throw new IOException("Twin GET returned no JSON object.");
        var desired = twin["desired"] as JsonObject ?? new JsonObject();
        var version = desired["$version"]?.GetValue<long>() ?? 0;
        desired.Remove("$version");
        _desired = (JsonObject)desired.DeepClone();
        DesiredVersion = version;
        await ApplyAndReportAsync(mqtt, connection, ct).ConfigureAwait(false);
    }

    /// <summary>A desired PATCH: merge it if it is the next version, re-fetch the twin if versions were skipped.</summary>
    public async Task OnDesiredPatchAsync(EdgeHubConnection mqtt, long version, byte[] payload, CancellationToken ct)
    {
        if (version <= DesiredVersion) return; // already contained in a twin we fetched
        if (version != DesiredVersion + 1)
        {
            await SyncAsync(mqtt, null, ct).ConfigureAwait(false);
            return;
        }
        if (TryParseObject(payload) is not { } patch)
        {
            // A patch we cannot read may hide a change: take the whole twin instead.
            await SyncAsync(mqtt, null, ct).ConfigureAwait(false);
            return;
        }
        patch.Remove("$version");
        JsonMergePatch.Apply(_desired, patch);
        DesiredVersion = version;
        await ApplyAndReportAsync(mqtt, null, ct).ConfigureAwait(false);
    }

    private async Task ApplyAndReportAsync(EdgeHubConnection mqtt, JsonObject? connection, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(_desired.ToJsonString());
        var (settings, errors) = DesiredSettingsParser.Parse(document.RootElement, Settings);
        var result = await host.ApplyAsync(settings, ct).ConfigureAwait(false);
        // A property the parser refused stands refused for what was sent: the module's reason would be about the
        // older value the parser kept in its place.
        foreach (var (path, reason) in result.Errors) errors.TryAdd(path, reason);
        Settings = settings;

        var applied = (JsonObject)result.Applied.DeepClone();
        applied[DesiredSettingsParser.HealthIntervalSecondsName] = HealthInterval.TotalSeconds;
        var patch = _reported.AfterApply(DesiredVersion, applied, errors, time.GetUtcNow());
        if (connection is not null) JsonMergePatch.Apply(patch, connection);
        var response = await mqtt.TwinRequestAsync(IoTHubTopics.ReportedPatch, Encoding.UTF8.GetBytes(patch.ToJsonString()), ct).ConfigureAwait(false);
        LastReportStatus = response.Status;
        // A refused report is the hub judging its content, not a broken link: reconnecting would only repeat it.
        // (No answer at all times out above and does end the connection.)
        if (response.Status is < 200 or > 299)
            log.LogWarning("Reported properties PATCH refused with status {Status}: {Body}", response.Status, Encoding.UTF8.GetString(response.Payload));
    }

    /// <summary>Status IoT Hub gave the last reported-properties PATCH (204 when accepted; 0 before the first).</summary>
    public int LastReportStatus { get; private set; }

    private static JsonObject? TryParseObject(byte[] payload)
    {
        // Invalid UTF-8, repeated names and lone surrogates make the document unreadable here, instead of
        // throwing later while it is applied (which dropped the connection and left the setting unreported).
        if (!Utf8.IsValid(payload)) return null;
        try
        {
            var json = JsonNode.Parse(payload, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
            _ = json?.ToJsonString(); // reads every string now
            return json;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The health interval the twin asks for, else the configured one.</summary>
    public TimeSpan HealthInterval =>
        Settings.HealthIntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : configuredHealthInterval;
}
