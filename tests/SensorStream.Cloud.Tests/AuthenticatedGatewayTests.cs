using System.Security.Cryptography;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Functions.Settings;
using SensorStream.Streams.Client;
using SensorStream.Streams.Exporting;
using SensorStream.Testing;
using Microsoft.Extensions.Configuration;

namespace SensorStream.Cloud.Tests;

/// <summary>The cloud host mirrors from a gateway that requires a bearer token, and never logs the token.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthenticatedGatewayTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Local_host_with_the_token_file_mirrors_and_exports_from_an_authenticated_gateway()
    {
        var dir = Directory.CreateTempSubdirectory("sensorstream-auth-");
        try
        {
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            var tokenFile = Path.Combine(dir.FullName, "gateway.token");
            OwnerOnlyFile.Write(tokenFile, token + "\n"); // the gateway refuses a token file others can read
            await using var gateway = await GatewayProcess.StartAsync(Path.Combine(dir.FullName, "data"), ["--auth-token-file", tokenFile]);
            using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint, AuthToken = token });
            var events = TestEvents.Mixed(events: 10, samples: 20).ToList();
            var stream = await SourceStreams.CreateAsync(client, fixture.Storage, "auth", events);

            var environment = new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = fixture.Storage.Azurite.ConnectionString,
                ["GATEWAY_ENDPOINT"] = gateway.Endpoint.ToString(),
                ["GATEWAY_TOKEN_FILE"] = tokenFile,
                ["MIRROR_STREAMS"] = stream.ToString(),
                ["MIRROR_SCHEDULE"] = "* * * * * *",
                ["EXPORT_SCHEDULE"] = "* * * * * *",
                ["EXPORT_IDLE_FLUSH_SECONDS"] = "1",
            };
            var exporter = new Exporter(fixture.Storage.Store, new ExportOptions());
            await using (var host = LocalHostProcess.Start(environment))
            {
                await Poll.UntilAsync(async () => host.HasExited
                        ? throw new InvalidOperationException(host.Output)
                        : (await exporter.Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value.EventsExported == events.Count,
                    TimeSpan.FromSeconds(90), "every event exported through the authenticated gateway");
                Assert.DoesNotContain(token, host.Output);
            }
            SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));
            Assert.DoesNotContain(token, gateway.OutputText);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Credentials_come_from_a_setting_or_a_file_and_bad_ones_are_named()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, " secret-from-file \n");
            CloudSettings Parse(Dictionary<string, string?> values) => CloudSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

            Assert.Equal("secret-from-file", Parse(new() { ["GATEWAY_TOKEN_FILE"] = file }).GatewayCredentials.Token);
            Assert.Equal("t2", Parse(new() { ["MIRROR_TARGET_GATEWAY_TOKEN"] = "t2" }).TargetGatewayCredentials.Token);
            Assert.DoesNotContain("secret", Parse(new() { ["GATEWAY_TOKEN_FILE"] = file }).GatewayCredentials.ToString());
            Assert.Contains("GATEWAY_TOKEN_FILE: '/nonexistent' does not exist",
                Assert.Throws<FormatException>(() => Parse(new() { ["GATEWAY_TOKEN_FILE"] = "/nonexistent" })).Message);
            Assert.Contains("not both",
                Assert.Throws<FormatException>(() => Parse(new() { ["GATEWAY_TOKEN"] = "a", ["GATEWAY_TOKEN_FILE"] = file })).Message);
            Assert.Contains("GATEWAY_CA_FILE",
                Assert.Throws<FormatException>(() => Parse(new() { ["GATEWAY_CA_FILE"] = "/nonexistent.pem" })).Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
