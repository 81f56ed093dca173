using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Storage.Blobs;
using SensorStream.Testing;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>
/// A real Azurite (npm, <c>node_modules/.bin/azurite</c> at the repository root) on free loopback ports with its data
/// in a temporary folder. <see cref="RestartAsync"/> kills it and starts it again on the same ports and data.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's public, well-known development account key (not a secret).</summary>
    public const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _location = Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N"));
    private readonly int _blobPort = FreePort.Next();
    private readonly int _queuePort = FreePort.Next();
    private readonly int _tablePort = FreePort.Next();
    private Process? _process;
    private readonly List<string> _output = [];

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_blobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{_queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{_tablePort}/devstoreaccount1;";

    /// <summary>A client with short retry delays, so that a test that restarts Azurite does not wait long.</summary>
    public BlobServiceClient CreateClient()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 6;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return new BlobServiceClient(ConnectionString, options);
    }

    public static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = new AzuriteProcess();
        Directory.CreateDirectory(azurite._location);
        await azurite.LaunchAsync();
        return azurite;
    }

    private async Task LaunchAsync()
    {
        var exe = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite");
        if (!File.Exists(exe)) throw new FileNotFoundException($"Azurite is not installed: run `npm ci` in {RepoPaths.Root}", exe);
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--location", _location,
                     "--blobHost", "127.0.0.1", "--blobPort", Port(_blobPort),
                     "--queueHost", "127.0.0.1", "--queuePort", Port(_queuePort),
                     "--tableHost", "127.0.0.1", "--tablePort", Port(_tablePort),
                 })
            info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var probe = new BlobServiceClient(ConnectionString, new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } });
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"Azurite exited with {process.ExitCode}: {string.Join('\n', _output)}");
            try
            {
                await probe.GetPropertiesAsync();
                return true;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, StartTimeout, "Azurite to answer");
    }

    /// <summary>
    /// How long Azurite may take to answer after launch: ~3 s on a quiet machine, but a run on 2 cores
    /// at load average ~55 (builds and other suites beside it) did not answer within 60 s (Node loads Azurite's JavaScript first).
    /// </summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Kills Azurite (SIGKILL) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// Stop, then start on the same ports and data: what a storage outage looks like to the code under test.
    /// SIGTERM, not SIGKILL: Azurite keeps its blob index in memory and saves it every few seconds, so a killed Azurite
    /// forgets acknowledged writes — which real Azure Storage never does, and which would test Azurite, not us.
    /// </summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
        }
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // Azurite may still be flushing; the folder is in the temp directory.
        }
    }
}
