using System.Diagnostics;
using SensorStream.Testing;
using System.Text.RegularExpressions;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// The repository holds no secret except Azurite's public, well-known development key. A line that carries an
/// obviously fake test vector may opt out with the marker <c>secret-scan: test-vector</c>.
/// </summary>
public partial class RepositorySecretsTests
{
    private const string AzuriteWellKnownKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string OptOut = "secret-scan: test-vector";

    [GeneratedRegex(@"(AccountKey|SharedAccessKey|SharedAccessSignature sr=.*sig)=([A-Za-z0-9+/%]{30,}={0,2})")]
    private static partial Regex KeyValue();

    [GeneratedRegex(@"-----BEGIN (RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|xox[bap]-[A-Za-z0-9-]{20,})\b")]
    private static partial Regex VendorToken();

    [Fact]
    public void Tracked_files_hold_no_secrets()
    {
        var findings = new List<string>();
        var files = TrackedFiles();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var path = Path.Combine(RepoPaths.Root, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 2_000_000 || IsBinary(path)) continue;
            var lineNo = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNo++;
                if (line.Contains(OptOut)) continue;
                foreach (Match m in KeyValue().Matches(line))
                    if (m.Groups[2].Value != AzuriteWellKnownKey) findings.Add($"{file}:{lineNo}: {m.Groups[1].Value}=…");
                if (PrivateKey().IsMatch(line)) findings.Add($"{file}:{lineNo}: private key block");
                if (VendorToken().IsMatch(line)) findings.Add($"{file}:{lineNo}: vendor access token");
            }
        }
        Assert.True(findings.Count == 0, "secrets in the repository:\n" + string.Join('\n', findings));
    }

    [Fact]
    public void The_scanner_finds_what_it_looks_for()
    {
        Assert.Matches(KeyValue(), "HostName=h;DeviceId=d;SharedAccessKey=" + new string('A', 43) + "=");
        Assert.Matches(PrivateKey(), "-----BEGIN " + "PRIVATE KEY-----");
        Assert.DoesNotMatch(KeyValue(), "AccountKey=short");
    }

    private static List<string> TrackedFiles()
    {
        var info = new ProcessStartInfo("git", "ls-files -z") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true };
        using var git = Process.Start(info)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static bool IsBinary(string path)
    {
        Span<byte> head = stackalloc byte[4096];
        using var f = File.OpenRead(path);
        var n = f.Read(head);
        return head[..n].Contains((byte)0);
    }
}
