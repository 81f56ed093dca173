using SensorStream.Gateway.Hosting;

namespace SensorStream.Gateway.Tests;

/// <summary>Start-up warnings about secrets: files others can read, a token over h2c off loopback.</summary>
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
}
