using System.Text.RegularExpressions;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// The exit-code table in cli/README.md is the one in cli/ExitCodes.cs: every constant with its code and its summary,
/// in order. Regenerate it with <c>SENSORSTREAM_UPDATE_SETTINGS_TABLES=1 dotnet test tests/SensorStream.EndToEnd.Tests --filter ExitCodeTable</c>.
/// </summary>
public sealed partial class ExitCodeTableTests
{
    private const string Begin = "<!-- exit-codes -->", End = "<!-- /exit-codes -->";

    [Fact]
    public void The_readme_table_equals_the_exit_codes_in_code()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "cli", "ExitCodes.cs"));
        var codes = Constant().Matches(source).Select(m => (Code: int.Parse(m.Groups["code"].Value), Name: m.Groups["name"].Value, Meaning: m.Groups["summary"].Value.Trim())).ToList();
        Assert.True(codes.Count >= 8, $"found {codes.Count} documented constants in cli/ExitCodes.cs");
        Assert.Equal(codes.Count, codes.Select(c => c.Code).Distinct().Count());
        var expected = "| code | name (`cli/ExitCodes.cs`) | meaning |\n|---|---|---|\n" + string.Concat(codes.Select(c => $"| {c.Code} | `{c.Name}` | {c.Meaning} |\n"));

        var path = Path.Combine(RepoPaths.Root, "cli", "README.md");
        var readme = File.ReadAllText(path);
        var (from, to) = (readme.IndexOf(Begin, StringComparison.Ordinal), readme.IndexOf(End, StringComparison.Ordinal));
        Assert.True(from >= 0 && to > from, $"cli/README.md has no {Begin} … {End}");
        if (Environment.GetEnvironmentVariable("SENSORSTREAM_UPDATE_SETTINGS_TABLES") == "1")
        {
            readme = readme[..(from + Begin.Length)] + "\n" + expected + readme[to..];
            File.WriteAllText(path, readme);
            to = readme.IndexOf(End, StringComparison.Ordinal);
        }
        Assert.Equal(expected, readme[(from + Begin.Length)..to].TrimStart('\n'));
    }

    [GeneratedRegex(@"/// <summary>(?<summary>[^\n]*?)</summary>\s*public const int (?<name>\w+) = (?<code>\d+);")]
    private static partial Regex Constant();
}
