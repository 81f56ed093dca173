using System.Collections;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Tests.Support;

namespace SensorStream.EdgeModule.Tests.Configuration;

/// <summary>
/// Property test of the settings loader: random flags, values, environment variables and appsettings files always
/// give either settings the collector can run with, or one clear line — a <see cref="SettingsException"/> naming the
/// setting by flag, variable and key, or (for what is not a setting: an unknown or dangling flag, the config file) an
/// <see cref="ArgumentException"/> naming it; the entry point prints exactly these. Never another exception.
/// Seeded, so a failure reproduces.
/// </summary>
public sealed class SettingsLoaderFuzzTests : IDisposable
{
    private const int Seed = 20260316;
    private const int Cases = 600;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Random_flags_environment_and_files_give_valid_settings_or_one_clear_line()
    {
        var random = new Random(Seed);
        var inputs = new RandomSettingsInputs(random, _dir.Path);
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < Cases; i++)
        {
            var (args, environment, config) = inputs.Next();
            var where = $"seed {Seed}, case {i}: args [{string.Join(" ", args.Select(Shown))}], environment [{Shown(environment)}], config {config}";
            string outcome;
            try
            {
                AssertRunnable(SettingsLoader.Load(args, environment), where);
                outcome = "valid";
            }
            catch (SettingsException e)
            {
                AssertOneLine(e.Message, where);
                var s = e.Setting;
                Assert.True(e.Message.StartsWith(s.Describe(), StringComparison.Ordinal) && e.Problem.Trim().Length > 0,
                    $"{where}: '{e.Message}' does not name the setting and the problem");
                outcome = "setting " + s.Key;
            }
            catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException))
            {
                AssertOneLine(e.Message, where);
                Assert.True(args.Append(config).Any(a => a is { Length: > 0 } && e.Message.Contains(a, StringComparison.Ordinal)) || e.Message.Contains("''"),
                    $"{where}: '{e.Message}' does not name the argument or file");
                outcome = "argument";
            }
            catch (Exception e)
            {
                Assert.Fail($"{where}: {e.GetType().Name}: {e.Message}");
                throw;
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        Assert.True(outcomes.GetValueOrDefault("valid") >= Cases / 10 && outcomes.Count >= 10, string.Join(", ", outcomes));
    }

    /// <summary>Beyond Validate: what the sampler and the timers need, checked independently of it.</summary>
    private static void AssertRunnable(EdgeSettings s, string where)
    {
        var timerLimit = TimeSpan.FromMilliseconds(int.MaxValue);
        Assert.True(s.Spin.TotalSeconds * s.Rate < 1, $"{where}: valid settings with a spin ({s.Spin}) of a whole sampling period or more");
        foreach (var (name, duration) in new[]
                 {
                     ("FlushInterval", s.FlushInterval), ("TxnLease", s.TxnLease), ("RetryMaxDelay", s.RetryMaxDelay),
                     ("ShutdownTimeout", s.ShutdownTimeout), ("MetricsInterval", s.MetricsInterval), ("CsvStableTime", s.CsvStableTime),
                     ("CsvPollInterval", s.CsvPollInterval),
                 })
            Assert.True(duration >= TimeSpan.Zero && duration <= timerLimit, $"{where}: valid settings with {name} = {duration}, which no timer can wait");
    }

    private static void AssertOneLine(string message, string where) =>
        Assert.False(message.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'), $"{where}: message is not one clean line: {Shown(message)}");

    private static string Shown(string text) =>
        text.Length > 60 ? Shown(text[..60]) + $"…({text.Length} chars)" : System.Text.Json.JsonSerializer.Serialize(text);

    private static string Shown(Hashtable environment) =>
        string.Join(" ", environment.Cast<DictionaryEntry>().Select(e => $"{e.Key}={Shown((string)e.Value!)}"));
}
