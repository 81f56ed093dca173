using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Cloud;

/// <summary>
/// Azurite (npm, <c>node_modules/.bin/azurite-blob</c> at the repository root, installed by <c>npm ci</c>) on a free
/// loopback port with a temporary data folder, killed on dispose.
/// </summary>
public sealed class LocalAzurite : IAsyncDisposable
{
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly string _location;

    private LocalAzurite(Process process, string location, int port)
    {
        _process = process;
        _location = location;
        Client = new BlobServiceClient($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;");
    }

    public BlobServiceClient Client { get; }

    /// <summary>The Azurite (node) process, for its CPU time.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The one line to print when Azurite cannot be started: what to run, where.</summary>
    public static string InstallHint => $"Azurite is not installed: run `npm ci --no-audit --no-fund` in {RepoPaths.Root} (it installs node_modules/.bin/azurite-blob), then run the benchmark again";

    /// <summary>Starts Azurite; null (after printing <see cref="InstallHint"/> or why it could not start) when it is not installed or does not start.</summary>
    public static async Task<LocalAzurite?> TryStartAsync()
    {
        var exe = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(exe))
        {
            Console.Error.WriteLine(InstallHint);
            return null;
        }
        var location = Path.Combine(Path.GetTempPath(), "bench-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var port = FreePort.Next();
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        foreach (var a in new[] { "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--location", location, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            Console.Error.WriteLine($"{exe} could not be started ({e.Message}); is node installed? {InstallHint}");
            return null;
        }
        var azurite = new LocalAzurite(process, location, port);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await azurite.Client.GetPropertiesAsync();
                return azurite;
            }
            catch (Exception) when (clock.Elapsed < TimeSpan.FromSeconds(60) && !azurite._process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Azurite ({exe}) did not answer on port {port}: {e.Message}");
                await azurite.DisposeAsync();
                return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // temp folder
        }
    }
}
