using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Cloud;

/// <summary>Azurite (npm, at the repository root) on a free loopback port with a temporary data folder, killed on dispose.</summary>
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

    public static async Task<LocalAzurite> StartAsync()
    {
        var location = Path.Combine(Path.GetTempPath(), "bench-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var port = FreePort.Next();
        var info = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite-blob"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--location", location, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        var azurite = new LocalAzurite(Process.Start(info)!, location, port);
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
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
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
