using System.Diagnostics;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// cli/build-if-changed.sh (used by ./run.sh and ./sensorstream) in a scratch clone with two stand-in projects and a
/// stand-in SDK (the DOTNET variable) that logs each build: concurrent starts take turns and build once, a project set's
/// build satisfies a subset, and Azurite data or other dot-folders inside the clone never count as a change.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // a bash script on a POSIX file system
public sealed class LauncherBuildTests : IDisposable
{
    private readonly string _clone = Directory.CreateTempSubdirectory("sensorstream-launcher-").FullName;
    private string BuildLog => Path.Combine(_clone, "builds.log");

    public LauncherBuildTests()
    {
        Directory.CreateDirectory(Path.Combine(_clone, "cli"));
        File.Copy(Path.Combine(RepoPaths.Root, "cli", "build-if-changed.sh"), Path.Combine(_clone, "cli", "build-if-changed.sh"));
        foreach (var (project, assembly) in new[] { ("alpha", "alpha"), ("beta", "Beta.Host") })
        {
            var bin = Directory.CreateDirectory(Path.Combine(_clone, project, "bin", "Release", "net10.0")).FullName;
            File.WriteAllText(Path.Combine(_clone, project, project + ".csproj"), $"<Project><AssemblyName>{assembly}</AssemblyName></Project>");
            File.WriteAllText(Path.Combine(_clone, project, "Program.cs"), "// source");
            File.WriteAllText(Path.Combine(bin, assembly + ".dll"), "");
        }
        // The stand-in SDK records the build and stays busy briefly so that concurrent starts overlap.
        var sdk = Path.Combine(_clone, "fake-dotnet");
        File.WriteAllText(sdk, $"#!/bin/sh\necho \"$2\" >> '{BuildLog}'\nsleep 0.5\n");
        File.SetUnixFileMode(sdk, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task Concurrent_starts_build_once_without_error_and_a_superset_build_satisfies_a_subset()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => LaunchAsync("alpha", "beta")));
        foreach (var run in runs) Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal([Path.Combine(_clone, "alpha"), Path.Combine(_clone, "beta")], Builds());
        Assert.DoesNotContain(runs, r => r.StdErr.Contains("cannot stat", StringComparison.Ordinal));

        var subset = await LaunchAsync("beta");
        Assert.Equal(0, subset.ExitCode);
        Assert.Contains("build up to date (beta)", subset.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, Builds().Length);
    }

    [Fact]
    public async Task Azurite_data_in_the_clone_is_no_change_but_a_source_edit_is()
    {
        Assert.Equal(0, (await LaunchAsync("alpha")).ExitCode);
        var builds = Builds().Length;
        var azurite = Directory.CreateDirectory(Path.Combine(_clone, ".azurite")).FullName;
        WriteNewer(Path.Combine(azurite, "__azurite_db_blob_extent__.json"), "{}");

        var idle = await LaunchAsync("alpha");
        Assert.True(idle.ExitCode == 0, idle.All);
        Assert.Contains("build up to date (alpha)", idle.StdErr, StringComparison.Ordinal);
        Assert.Equal(builds, Builds().Length);

        WriteNewer(Path.Combine(_clone, "alpha", "Program.cs"), "// edited");
        var edited = await LaunchAsync("alpha");
        Assert.Contains("alpha/Program.cs changed", edited.StdErr, StringComparison.Ordinal);
        Assert.Equal(builds + 1, Builds().Length);
    }

    /// <summary>Writes a file dated a minute ahead, so it is newer than any stamp whatever the file system's time resolution.</summary>
    private static void WriteNewer(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
    }

    private string[] Builds() => File.Exists(BuildLog) ? File.ReadAllLines(BuildLog) : [];

    private async Task<CliResult> LaunchAsync(params string[] projects)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(_clone, "cli", "build-if-changed.sh"));
        foreach (var p in projects) info.ArgumentList.Add(p);
        info.Environment["DOTNET"] = Path.Combine(_clone, "fake-dotnet");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose() => Directory.Delete(_clone, recursive: true);
}
