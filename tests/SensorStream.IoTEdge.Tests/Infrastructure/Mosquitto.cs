using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>
/// A real mosquitto broker on a free loopback port, standing in for edgeHub's MQTT endpoint. It authenticates
/// with a password file, so a module connects only with exactly the username and SAS token IoT Hub expects.
/// </summary>
public sealed class Mosquitto : IAsyncDisposable
{
    public const string BinaryPath = "/usr/sbin/mosquitto";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly DirectoryInfo _dir;

    public int Port { get; }

    private Mosquitto(Process process, int port, DirectoryInfo dir)
    {
        _process = process;
        Port = port;
        _dir = dir;
    }

    /// <summary>Everything the broker logged so far (connections name client id and username).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <param name="users">username → password pairs the broker accepts.</param>
    /// <param name="tls">PEM files for a TLS listener, or null for plain TCP.</param>
    public static async Task<Mosquitto> StartAsync(IReadOnlyDictionary<string, string> users, TlsFiles? tls = null, int? port = null)
    {
        var binary = File.Exists(BinaryPath) ? BinaryPath : "mosquitto";
        var dir = Directory.CreateTempSubdirectory("mosquitto-");
        // mosquitto started as root drops to the 'mosquitto' user, which must still read its files.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(dir.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var passwordFile = Path.Combine(dir.FullName, "passwd");
        await File.WriteAllLinesAsync(passwordFile, users.Select(u => $"{u.Key}:{HashPassword(u.Value)}"));

        var chosenPort = port ?? FreePort.Next();
        var config = new StringBuilder()
            .AppendLine($"listener {chosenPort} 127.0.0.1")
            .AppendLine("allow_anonymous false")
            .AppendLine($"password_file {passwordFile}")
            .AppendLine("persistence false")
            .AppendLine("log_dest stderr")
            .AppendLine("log_type all")
            .AppendLine("connection_messages true");
        if (tls is not null)
        {
            // Copied next to the config so they get the same permissions.
            string Copy(string file, string name) { var to = Path.Combine(dir.FullName, name); File.Copy(file, to); return to; }
            config.AppendLine($"cafile {Copy(tls.CaFile, "ca.pem")}")
                .AppendLine($"certfile {Copy(tls.CertFile, "server.pem")}")
                .AppendLine($"keyfile {Copy(tls.KeyFile, "server.key")}");
        }
        var configFile = Path.Combine(dir.FullName, "mosquitto.conf");
        await File.WriteAllTextAsync(configFile, config.ToString());
        if (!OperatingSystem.IsWindows())
            foreach (var file in dir.GetFiles()) File.SetUnixFileMode(file.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var start = new ProcessStartInfo(binary, ["-c", configFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start");
        var broker = new Mosquitto(process, chosenPort, dir);
        process.OutputDataReceived += (_, e) => broker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60); // a process start on a loaded CI machine
        while (!await broker.AcceptsConnectionsAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await broker.DisposeAsync();
                throw new InvalidOperationException($"mosquitto did not start listening on {chosenPort}:\n{broker.Log}");
            }
            await Task.Delay(20);
        }
        return broker;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>mosquitto's "$6$" password hash: base64(salt) and base64(SHA-512(password ‖ salt)).</summary>
    private static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(12);
        var hash = SHA512.HashData([.. Encoding.UTF8.GetBytes(password), .. salt]);
        return $"$6${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }
}

public sealed record TlsFiles(string CaFile, string CertFile, string KeyFile);
