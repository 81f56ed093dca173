using System.Text;
using System.Text.Json;
using Grpc.Core;
using SensorStream.Streams.Client;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// `run --tls`: the one command with the gateway on https (self-signed certificate) and a bearer token. It verifies
/// clean; a client without the token is refused; the CLI's own commands connect through run.json; no file but the token
/// file holds the token.
/// </summary>
public sealed class SecureRunTests
{
    [Fact]
    public async Task A_tls_run_verifies_clean_refuses_a_client_without_the_token_and_writes_the_token_nowhere_else()
    {
        var dataDir = OneCommandRunTests.NewDataDir();
        try
        {
            var (run, live) = await OneCommandRunTests.StartRunAsync(null, null, dataDir, OneCommandRunTests.ShortRun(dataDir, "--tls"));
            var runJson = Path.Combine(dataDir, "run.json");

            using var state = JsonDocument.Parse(await File.ReadAllTextAsync(runJson));
            var gateway = new Uri(state.RootElement.GetProperty("Gateway").GetString()!);
            var caFile = state.RootElement.GetProperty("CaFile").GetString()!;
            var tokenFile = state.RootElement.GetProperty("TokenFile").GetString()!;
            var token = (await File.ReadAllTextAsync(tokenFile)).Trim();
            Assert.Equal("https", gateway.Scheme);
            Assert.True(token.Length >= 32, "a random token of at least 32 characters");
            Assert.DoesNotContain(token, await File.ReadAllTextAsync(runJson));
            if (!OperatingSystem.IsWindows())
                foreach (var secret in new[] { tokenFile, Path.Combine(Path.GetDirectoryName(tokenFile)!, "gateway.key") })
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));

            using (var anonymous = new GatewayClient(new GatewayClientOptions { Endpoint = gateway, TrustedCertificateFile = caFile, MaxRetryAttempts = 0 }))
                Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => anonymous.ListScopesAsync())).StatusCode);
            // No --gateway, --ca-file or --token-file: the command takes all three from run.json.
            var verify = await CliRun.RunAsync(TimeSpan.FromMinutes(2), "verify", "sensorstream/sensors", "--data-dir", dataDir);
            Assert.True(verify.ExitCode == 0, verify.All);

            var result = await OneCommandRunTests.EndRunAsync(run, live);
            OneCommandRunTests.AssertVerifiedSummary(result, dataDir);
            // The follow-up it prints works as printed: this run's data folder is not the default one.
            Assert.Contains($" export get sensorstream/sensors --data-dir {dataDir}`", result.StdOut);
            var gatewayLog = await File.ReadAllTextAsync(Path.Combine(dataDir, "logs", "gateway.log"));
            Assert.Contains($"Listening on https://127.0.0.1:{gateway.Port} ", gatewayLog);
            Assert.Contains("tls on, auth on", gatewayLog);
            Assert.Contains("'Unauthenticated'", gatewayLog); // the refused client above, logged without any token

            var tokenBytes = Encoding.UTF8.GetBytes(token);
            var holders = Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories)
                .Where(f => f != tokenFile && File.ReadAllBytes(f).AsSpan().IndexOf(tokenBytes) >= 0).ToList();
            Assert.True(holders.Count == 0, "the token is in: " + string.Join(", ", holders));
            Assert.DoesNotContain(token, result.All + verify.All);
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }
}
