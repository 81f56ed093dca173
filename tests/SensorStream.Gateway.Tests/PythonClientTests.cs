using System.Buffers.Binary;
using System.Diagnostics;
using SensorStream.Testing;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// The real gateway process, a free loopback port, and one gateway shared by the Python clients of
/// <see cref="PythonClientTests"/>. Stubs are generated from streams/Protos with grpc_tools into a temporary directory.
/// </summary>
public sealed class PythonGatewayFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _stubs = new();

    public GatewayProcess Gateway { get; private set; } = null!;
    public string StubDirectory => _stubs.Path;

    /// <summary>Debian's python3 (where python3-grpcio and python3-grpc-tools install), else the one on PATH.</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public async Task InitializeAsync()
    {
        var protos = Path.Combine(RepoPaths.Root, "streams", "Protos");
        var (code, output) = await PythonClientTests.RunAsync(Python, null,
            ["-m", "grpc_tools.protoc", "-I", protos, "--python_out", _stubs.Path, "--grpc_python_out", _stubs.Path, "pravega_gateway.proto"]);
        if (code != 0)
            throw new InvalidOperationException(
                $"generating Python stubs failed (exit {code}); these tests need python3 with grpcio and grpc_tools (Debian: python3-grpcio python3-grpc-tools): {output}");
        Gateway = await GatewayProcess.StartAsync(_data.Path);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        _data.Dispose();
        _stubs.Dispose();
    }
}

/// <summary>
/// Python clients doing what the public pravega-grpc-gateway's scripts do (Python/pravega_compat.py): a long open
/// WriteEvents whose events are readable meanwhile and kept when the client cancels (event_generator.py and Ctrl-C);
/// reads between head and tail cuts decoded and re-encoded client-side in Pravega's text form (event_reader.py,
/// batch_reader.py); a file of length-prefixed records through a stream and back (file_to_stream.py, stream_to_file.py).
/// </summary>
public sealed class PythonClientTests(PythonGatewayFixture fixture) : IClassFixture<PythonGatewayFixture>
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "SensorStream.Gateway.Tests", "Python", "pravega_compat.py");

    private async Task<string> ScenarioAsync(string stream, params string[] args)
    {
        var (code, output) = await RunAsync(PythonGatewayFixture.Python, fixture.StubDirectory,
            [Script, "--gateway", $"127.0.0.1:{fixture.Gateway.Port}", "--scope", "compat", "--stream", stream, .. args]);
        Assert.True(code == 0, $"{string.Join(' ', args)} exited with {code}:\n{output}\ngateway:\n{fixture.Gateway.OutputText}");
        return output;
    }

    [Fact]
    public async Task Long_open_write_is_visible_meanwhile_and_a_cancel_keeps_its_events()
    {
        var output = await ScenarioAsync("long-write", "long-write", "--events", "6");
        Assert.Contains("ok: 6 events visible while the call was open, all kept after the cancel", output);
        // The cancel is logged as a cancel, not as a storage failure.
        await Poll.UntilAsync(() => Task.FromResult(fixture.Gateway.OutputText), t => t.Contains("the client cancelled after 6 event(s)"),
            TimeSpan.FromSeconds(30), "the gateway's log of the cancel");
        Assert.DoesNotContain(fixture.Gateway.OutputLines, l => l.StartsWith("fail:", StringComparison.Ordinal) || l.Contains("storage I/O failed"));
    }

    [Fact]
    public async Task Transactional_long_write_commits_at_commit_flags_and_a_cancel_aborts_the_open_transaction()
    {
        var output = await ScenarioAsync("txn-write", "txn-write", "--events", "6");
        Assert.Contains("ok: 6 committed events visible while the call was open, the open transaction aborted by the cancel", output);
    }

    [Fact]
    public async Task Reads_between_decoded_and_re_encoded_head_and_tail_cuts()
    {
        var output = await ScenarioAsync("cut-read", "cut-read", "--events", "20");
        Assert.Contains("ok: 20 events read and batch-read between decoded head and tail cuts", output);
    }

    [Fact]
    public async Task File_round_trip_through_a_stream_is_byte_exact()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "in.bin");
        var random = new Random(14);
        await using (var file = File.Create(input))
        {
            var header = new byte[8];
            for (var i = 0; i < 60; i++)
            {
                var data = new byte[random.Next(1, 20_000)];
                random.NextBytes(data);
                BinaryPrimitives.WriteUInt64BigEndian(header, (ulong)data.Length);
                file.Write(header);
                file.Write(data);
            }
        }
        var output = await ScenarioAsync("roundtrip", "file-roundtrip", "--file", input, "--out", Path.Combine(dir.Path, "out.bin"));
        Assert.Contains($"ok: {new FileInfo(input).Length} bytes round-tripped", output);
        Assert.Equal(await File.ReadAllBytesAsync(input), await File.ReadAllBytesAsync(Path.Combine(dir.Path, "out.bin")));
    }

    /// <summary>Runs a program to completion (at most 2 minutes), with <paramref name="pythonPath"/> as PYTHONPATH; exit code and output.</summary>
    internal static async Task<(int Code, string Output)> RunAsync(string program, string? pythonPath, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (pythonPath is not null) info.Environment["PYTHONPATH"] = pythonPath;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', info.ArgumentList)} ran for more than 2 minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
