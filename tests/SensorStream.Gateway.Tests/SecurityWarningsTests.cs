using Microsoft.Extensions.Configuration;
using SensorStream.Gateway.Hosting;

namespace SensorStream.Gateway.Tests;

/// <summary>Start-up checks of secrets: files others can read (refused, or a warning with --allow-shared-secrets), a token over h2c off loopback.</summary>
public sealed class SecurityWarningsTests
{
    [Fact]
    public void A_token_file_others_can_read_and_a_token_over_h2c_off_loopback_are_warned_about()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDirectory();
        var token = Path.Combine(dir.Path, "token");
        File.WriteAllText(token, "secret");
        File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var settings = new GatewaySettings { DataDir = dir.Path, AuthTokenFile = token, Urls = "http://127.0.0.1:5005;http://[::1]:5006" };
        Assert.Empty(SecurityWarnings.For(settings));

        File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var warning = Assert.Single(SecurityWarnings.For(settings));
        Assert.Contains($"--auth-token-file file {token} can be read or changed by other users (mode 644)", warning);

        File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        warning = Assert.Single(SecurityWarnings.For(settings with { Urls = "http://0.0.0.0:5005" }));
        Assert.Contains("clear text over h2c on http://0.0.0.0:5005", warning);
        Assert.Empty(SecurityWarnings.For(settings with { Urls = "http://0.0.0.0:5005", AuthTokenFile = null }));
    }

    [Fact]
    public void A_token_file_or_tls_key_others_can_read_stops_the_start_unless_allowed()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDirectory();
        var token = Path.Combine(dir.Path, "token");
        File.WriteAllText(token, "secret");
        File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var settings = new GatewaySettings { DataDir = dir.Path, AuthTokenFile = token };
        var e = Assert.Throws<ConfigurationError>(() => SettingsCatalog.Check(settings));
        Assert.Equal($"setting --auth-token-file (GATEWAY_AUTH_TOKEN_FILE): file {token} can be read or changed by other users (mode 644): chmod 600 it, " +
                     "or start with --allow-shared-secrets true to accept it (then only a warning is logged)", e.Message);

        // The override: the start goes on, the problem is logged as a warning.
        SettingsCatalog.Check(settings with { AllowSharedSecrets = true });
        Assert.Contains($"--auth-token-file file {token} can be read or changed by other users (mode 644)", Assert.Single(SecurityWarnings.For(settings)));

        // A TLS key group members may change is refused too, naming --tls-key; mode 600 starts without a word.
        File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var key = Path.Combine(dir.Path, "gateway.key");
        File.WriteAllText(key, "placeholder: only the file mode is checked here");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        var tls = settings with { Urls = "https://127.0.0.1:0", TlsCert = token, TlsKey = key };
        Assert.StartsWith($"setting --tls-key (GATEWAY_TLS_KEY): file {key} can be read or changed by other users (mode 660)",
            Assert.Throws<ConfigurationError>(() => SettingsCatalog.Check(tls)).Message);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        SettingsCatalog.Check(tls);
        Assert.Empty(SecurityWarnings.For(tls));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void The_allow_shared_secrets_setting_reads_true_or_false(string? value, bool expected)
    {
        using var dir = new TempDirectory();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DataDir"] = dir.Path,
            ["Gateway:AllowSharedSecrets"] = value,
        }).Build();
        Assert.Equal(expected, SettingsCatalog.Read(config).AllowSharedSecrets);
    }
}
