using System.Text;
using System.Text.Json.Nodes;
using SensorStream.EdgeModule;
using SensorStream.EdgeModule.IoTEdge;
using SensorStream.EdgeModule.IoTEdge.Hosting;
using SensorStream.IoTEdge.Tests.Infrastructure;

namespace SensorStream.IoTEdge.Tests;

/// <summary>
/// Property test of the module twin over a real broker with the real collector behind it: random desired patches
/// (wrong types, out of range, unknown, nested, null), patches that are not readable JSON, skipped and stale versions,
/// odd <c>$version</c> members. The connection is never dropped; every applied document is reported with an error
/// under the name of each refused property and none for the others; valid values are in force, refused ones keep the
/// value in force before; the collector's settings stay valid. Seeded, so a failure reproduces.
/// </summary>
public sealed class TwinPatchFuzzTests : IAsyncLifetime
{
    private const int Seed = 20260318;
    private const int Steps = 150;
    private const string Reported = "$iothub/twin/PATCH/properties/reported/";

    /// <summary>Payloads a desired patch cannot be read from: the module must fetch the whole twin instead.</summary>
    private static readonly string[] Unreadable =
    [
        "{not json", "[1,2]", "null", "", "{\"rateHz\":5,\"rateHz\":6}", "{\"stream\":\"\\ud800\"}", "{\"\\udc00\":1}",
        "{\"limits\":{\"queueFull\":\"\\udfff\"}}", new string('[', 100) + new string(']', 100),
    ];

    private readonly IdleCollector _idle = new();
    private Collector _collector = null!;
    private EdgeRig _rig = null!;
    private JsonObject _local = null!;

    public async Task InitializeAsync()
    {
        _collector = _idle.Collector;
        _rig = await EdgeRig.StartAsync(host: new CollectorModuleHost(_collector, TimeSpan.FromSeconds(1)));
        _local = (await _rig.Hub!.WaitForAsync(Reported, 1))[0].Json["config"]!.AsObject();
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _idle.DisposeAsync();
    }

    [Fact]
    public async Task Random_desired_patches_are_applied_or_refused_by_name_and_never_drop_the_connection()
    {
        var random = new Random(Seed);
        var properties = new RandomDesiredProperties(random);
        var hub = _rig.Hub!;
        var inForce = (JsonObject)_local.DeepClone();
        for (var step = 0; step < Steps; step++)
        {
            var reports = hub.ReportedPatches.Count;
            var (what, answered) = await SendRandomAsync(random, properties, hub);
            var where = $"seed {Seed}, step {step}: {what}";
            if (!answered)
            {
                // A stale version is ignored: the status call's reply proves the patch before it was handled.
                Assert.Equal(200, (await hub.InvokeMethodAsync(DirectMethods.Status)).Status);
                Assert.True(hub.ReportedPatches.Count == reports, $"{where}: a stale patch was applied");
                Assert.True(_rig.Client.ConnectionCount == 1, $"{where}: the client reconnected");
                continue;
            }
            var report = (await hub.WaitForAsync(Reported, reports + 1))[reports].Json;
            Assert.True(_rig.Client.ConnectionCount == 1, $"{where}: the client reconnected ({_rig.Client.LastError})");
            var status = report["configStatus"]!.AsObject();
            Assert.True(status["desiredVersion"]!.GetValue<long>() == hub.DesiredVersion, $"{where}: reported version {status["desiredVersion"]}, hub at {hub.DesiredVersion}");

            var errors = status["errors"]!.AsObject().Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!.GetValue<string>());
            var judged = properties.Judge(hub.Desired).ToDictionary(j => j.Path, j => j.Outcome);
            AssertErrors(judged, errors, where);
            Assert.True(status["state"]!.GetValue<string>() == (errors.Count == 0 ? "applied" : "rejected"), $"{where}: state {status["state"]} with {errors.Count} errors");

            var config = report["config"]!.AsObject();
            foreach (var path in DesiredSettingsParser.KnownProperties)
            {
                var outcome = judged.GetValueOrDefault(path);
                // Absent: the module's own value; refused: the value in force before (the limits object around it may be refused too).
                var keep = outcome?.Module == Verdict.Refused || (outcome?.Module == Verdict.Either && errors.ContainsKey(path))
                           || (outcome is null && path.StartsWith(DesiredSettingsParser.LimitsName + "/", StringComparison.Ordinal) && errors.ContainsKey(DesiredSettingsParser.LimitsName));
                var expected = keep ? RandomDesiredProperties.At(inForce, path) : outcome?.Applied ?? RandomDesiredProperties.At(_local, path);
                Assert.True(RandomDesiredProperties.Same(expected, RandomDesiredProperties.At(config, path)),
                    $"{where}: {path} in force is {RandomDesiredProperties.At(config, path)?.ToJsonString()}, expected {expected?.ToJsonString()}; errors: {string.Join("; ", errors)}");
            }
            inForce = config;
            Assert.Null(Record.Exception(() => _collector.Settings.Validate()));
            var collectorShape = CollectorModuleHost.AppliedJson(_collector.Settings);
            collectorShape[DesiredSettingsParser.HealthIntervalSecondsName] = config[DesiredSettingsParser.HealthIntervalSecondsName]!.DeepClone();
            Assert.True(JsonNode.DeepEquals(collectorShape, config), $"{where}: reported {config.ToJsonString()} but the collector runs {collectorShape.ToJsonString()}");
        }
    }

    private static void AssertErrors(Dictionary<string, Outcome> judged, Dictionary<string, string> errors, string where)
    {
        foreach (var (path, outcome) in judged)
        {
            var refused = errors.TryGetValue(path, out var reason);
            if (outcome.Module == Verdict.Valid) Assert.False(refused, $"{where}: valid {path} refused: {reason}");
            if (outcome.Module == Verdict.Refused)
                Assert.True(refused && reason!.Contains(outcome.Hint, StringComparison.Ordinal), $"{where}: {path} refused with '{reason}', expected a reason with '{outcome.Hint}'");
        }
        foreach (var (path, reason) in errors)
            Assert.True(judged.ContainsKey(path) && reason.Trim().Length > 0, $"{where}: error for {path}, which the document does not hold: {reason}");
    }

    /// <summary>Sends one random desired change; returns what it was, and whether the module must answer it with a report.</summary>
    private static async Task<(string What, bool Answered)> SendRandomAsync(Random random, RandomDesiredProperties properties, FakeEdgeHub hub)
    {
        var patch = properties.Document();
        switch (random.Next(20))
        {
            case < 14:
                await hub.SendDesiredPatchAsync(patch);
                return ($"patch {Shorten(patch.ToJsonString())}", true);
            case 14:
                var text = Pick(random, Unreadable);
                await hub.SendRawDesiredPatchAsync(text);
                return ($"unreadable patch {Shorten(text)}", true);
            case 15:
                // Bytes that appear in no UTF-8 text at all, inside a string.
                var bytes = "{\"rateHz\":\""u8.ToArray().Concat(Enumerable.Range(0, 4).Select(_ => (byte)Pick(random, [0xC0, 0xC1, 0xF8, 0xFE, 0xFF]))).Concat("\"}"u8.ToArray()).ToArray();
                await hub.SendRawDesiredPatchAsync(bytes);
                return ("patch of invalid UTF-8", true);
            case 16:
                var skipped = hub.DesiredVersion + random.Next(2, 5);
                await hub.SendDesiredPatchAsync(patch, versionOverride: skipped);
                return ($"patch skipping to version {skipped}: {Shorten(patch.ToJsonString())}", true);
            case 17:
                var stale = hub.DesiredVersion - random.Next(0, 3);
                await hub.SendRawDesiredPatchAsync(Encoding.UTF8.GetBytes(patch.ToJsonString()), stale);
                return ($"stale patch as version {stale}", false);
            default:
                // The body's own $version is twin metadata: whatever it holds, the topic's version counts.
                JsonMergePatch.Apply(hub.Desired, patch);
                var body = (JsonObject)patch.DeepClone();
                body["$version"] = random.Next(3) switch { 0 => "x", 1 => -1, _ => new JsonObject() };
                await hub.SendRawDesiredPatchAsync(body.ToJsonString());
                return ($"patch with $version {body["$version"]!.ToJsonString()}: {Shorten(patch.ToJsonString())}", true);
        }
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
