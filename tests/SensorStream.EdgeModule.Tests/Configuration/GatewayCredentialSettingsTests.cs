using System.Collections;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Client;

namespace SensorStream.EdgeModule.Tests.Configuration;

/// <summary>The gateway token and CA file settings: from a file, one source only, clear one-line errors, never printed.</summary>
public sealed class GatewayCredentialSettingsTests
{
    private static readonly string[] Minimal = ["--gateway", "https://127.0.0.1:5006", "--scope", "s", "--stream", "t", "--sensor", "synthetic:a"];

    [Fact]
    public void The_token_file_is_read_trimmed_and_the_ca_file_is_checked()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("token"), "  secret-in-file \n");
        LoopbackCertificate.Write(dir.File("ca.crt"), dir.File("ca.key"), TimeSpan.FromDays(1));

        var s = SettingsLoader.Load([.. Minimal, "--gateway-token-file", dir.File("token"), "--gateway-ca-file", dir.File("ca.crt")], new Hashtable());
        Assert.Equal("secret-in-file", s.ReadGatewayToken());
        Assert.Null(s.GatewayToken);
        Assert.Equal(dir.File("ca.crt"), s.GatewayCaFile);

        var fromEnv = SettingsLoader.Load(Minimal, new Hashtable
        {
            ["SENSORSTREAM_GATEWAY_TOKEN_FILE"] = dir.File("token"),
            ["SENSORSTREAM_GATEWAY_CA_FILE"] = dir.File("ca.crt"),
        });
        Assert.Equal("secret-in-file", fromEnv.ReadGatewayToken());
        Assert.Equal(dir.File("ca.crt"), fromEnv.GatewayCaFile);
    }

    [Fact]
    public void Bad_credential_settings_give_one_line_naming_the_setting()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("token"), "secret-in-file");
        File.WriteAllText(dir.File("empty"), " \n");
        File.WriteAllText(dir.File("not-a-cert.pem"), "hello");

        SettingsException Refused(params string[] extra) => Assert.Throws<SettingsException>(() => SettingsLoader.Load([.. Minimal, .. extra], new Hashtable()));

        var both = Refused("--gateway-token", "inline-secret", "--gateway-token-file", dir.File("token"));
        Assert.Equal("GatewayTokenFile", both.Setting.Key);
        Assert.Contains("use one of them", both.Message);
        Assert.Contains($"'{dir.File("nope")}' does not exist", Refused("--gateway-token-file", dir.File("nope")).Message);
        Assert.Contains($"'{dir.File("empty")}' is empty", Refused("--gateway-token-file", dir.File("empty")).Message);
        Assert.StartsWith("setting GatewayCaFile (--gateway-ca-file, SENSORSTREAM_GATEWAY_CA_FILE, appsettings SensorStream:GatewayCaFile): ",
            Refused("--gateway-ca-file", dir.File("nope.pem")).Message);
        Assert.Contains("is not a readable PEM or DER certificate", Refused("--gateway-ca-file", dir.File("not-a-cert.pem")).Message);
        foreach (var e in new[] { both, Refused("--gateway-token-file", dir.File("empty")) })
        {
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain("secret", e.Message);
        }
    }

    [Fact]
    public void Printed_settings_never_show_the_token()
    {
        var s = SettingsLoader.Load([.. Minimal, "--gateway-token", "inline-secret"], new Hashtable());
        var text = s.ToString();
        Assert.DoesNotContain("inline-secret", text);
        Assert.Contains("GatewayToken = ***", text);
        Assert.Contains("Rate = 1000", text);
        Assert.Contains("Sensors = [synthetic:a]", text);
    }
}
