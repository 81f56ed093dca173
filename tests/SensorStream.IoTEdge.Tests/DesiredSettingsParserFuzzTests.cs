using System.Text.Json;
using System.Text.Json.Nodes;
using SensorStream.EdgeModule.IoTEdge;
using SensorStream.IoTEdge.Tests.Infrastructure;

namespace SensorStream.IoTEdge.Tests;

/// <summary>
/// Property test of the desired-properties parser: random documents never make it throw; each property is applied,
/// or refused under its own path with the reason and its previous value kept; properties not in the document are
/// unset; what it returns parses again without an error. Seeded, so a failure reproduces.
/// </summary>
public sealed class DesiredSettingsParserFuzzTests
{
    private const int Seed = 20260317;
    private const int Cases = 3000;

    [Fact]
    public void Random_documents_are_applied_or_refused_property_by_property()
    {
        var random = new Random(Seed);
        var properties = new RandomDesiredProperties(random);
        var previous = new DesiredSettings();
        for (var i = 0; i < Cases; i++)
        {
            var document = properties.Document();
            var where = $"seed {Seed}, case {i}: {Shorten(document.ToJsonString())}";
            using var json = JsonDocument.Parse(document.ToJsonString());
            var (settings, errors) = DesiredSettingsParser.Parse(json.RootElement, previous);

            var judged = properties.Judge(document).ToDictionary(j => j.Path, j => j.Outcome);
            var (before, now) = (previous.ToJson(), settings.ToJson());
            foreach (var path in DesiredSettingsParser.KnownProperties.Union(judged.Keys))
            {
                var outcome = judged.GetValueOrDefault(path);
                var refused = errors.TryGetValue(path, out var reason);
                switch (outcome?.Parser)
                {
                    case null:
                        // Unset, unless the limits object around it was refused: then it keeps its value too.
                        var kept = path.StartsWith(DesiredSettingsParser.LimitsName + "/", StringComparison.Ordinal) && errors.ContainsKey(DesiredSettingsParser.LimitsName)
                            ? RandomDesiredProperties.At(before, path) : null;
                        Assert.True(!refused && RandomDesiredProperties.Same(kept, RandomDesiredProperties.At(now, path)), $"{where}: {path} is not in the document, yet {reason ?? "set"}");
                        break;
                    case Verdict.Valid:
                        Assert.False(refused, $"{where}: valid {path} refused: {reason}");
                        break;
                    case Verdict.Refused:
                        Assert.True(refused && reason!.Contains(outcome.Hint, StringComparison.Ordinal), $"{where}: {path} refused with '{reason}', expected a reason with '{outcome.Hint}'");
                        break;
                }
                if (outcome is null || !DesiredSettingsParser.KnownProperties.Contains(path)) continue;
                var expected = refused ? RandomDesiredProperties.At(before, path) : outcome.Applied;
                Assert.True(RandomDesiredProperties.Same(expected, RandomDesiredProperties.At(now, path)),
                    $"{where}: {path} is {RandomDesiredProperties.At(now, path)?.ToJsonString()}, expected {expected?.ToJsonString()}");
            }

            using var again = JsonDocument.Parse(now.ToJsonString());
            var (reparsed, reerrors) = DesiredSettingsParser.Parse(again.RootElement);
            Assert.True(reerrors.Count == 0 && reparsed.ToJson().ToJsonString() == now.ToJsonString(), $"{where}: the accepted settings do not parse again: {string.Join(", ", reerrors)}");
            previous = settings;
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
