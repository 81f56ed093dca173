using System.Diagnostics;
using System.Runtime.InteropServices;
using Grpc.Core;
using Grpc.Net.Client;
using SensorStream.Streams.Protocol;

namespace SensorStream.Testing;

/// <summary>
/// The real gateway (<c>gateway/bin/&lt;Configuration&gt;/net10.0/SensorStream.Gateway.dll</c>) as a child process on a
/// loopback port, for tests that kill, restart or signal it. <see cref="StartAsync"/> returns once the gateway answers
/// ListScopes. The process is killed on dispose.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputTail _output;
    private readonly IReadOnlyList<string> _extraArgs;
    private readonly IReadOnlyDictionary<string, string>? _environment;

    private GatewayProcess(Process process, OutputTail output, string dataDir, int port, bool tls,
        IReadOnlyList<string> extraArgs, IReadOnlyDictionary<string, string>? environment)
    {
        _process = process;
        _output = output;
        DataDir = dataDir;
        Port = port;
        _extraArgs = extraArgs;
        _environment = environment;
        Endpoint = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}");
    }

    /// <summary><c>http://127.0.0.1:PORT</c> (h2c), or https when started with <c>--tls-cert</c>.</summary>
    public Uri Endpoint { get; }

    public int Port { get; }
    public string DataDir { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the gateway printed (stdout and stderr).</summary>
    public IReadOnlyList<string> OutputLines => _output.Lines;

    /// <summary>The last lines the gateway printed, as one string for assertion messages.</summary>
    public string OutputText => _output.ToString();

    /// <summary>
    /// Starts the gateway on <paramref name="dataDir"/> at <c>127.0.0.1:<paramref name="port"/></c> (a free port when
    /// null) with <paramref name="extraArgs"/> appended to the command line, and waits (polling ListScopes) until it
    /// serves requests. A gateway that requires a token counts as up once it answers UNAUTHENTICATED, one in
    /// <c>--protocol public</c> once it answers UNIMPLEMENTED. <paramref name="openFileLimit"/> runs it under
    /// <c>ulimit -n</c> (through bash, which execs dotnet: the process is the gateway's).
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(string dataDir, IEnumerable<string>? extraArgs = null, int? port = null,
        TimeSpan? startTimeout = null, IReadOnlyDictionary<string, string>? environment = null, CancellationToken ct = default,
        int? openFileLimit = null)
    {
        var args = extraArgs?.ToList() ?? [];
        var chosenPort = port ?? FreePort.Next();
        var tls = args.Contains("--tls-cert");
        var output = new OutputTail();
        var info = StartInfo(dataDir, chosenPort, tls, args, environment, openFileLimit);

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Add("[stderr] " + e.Data); };
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var gateway = new GatewayProcess(process, output, Path.GetFullPath(dataDir), chosenPort, tls, args, environment);
        try
        {
            await gateway.WaitUntilServingAsync(startTimeout ?? TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        }
        catch
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return gateway;
    }

    /// <summary>
    /// Runs the gateway on <paramref name="dataDir"/> (a free loopback port, <paramref name="extraArgs"/> appended, under
    /// <c>ulimit -n <paramref name="openFileLimit"/></c> when given) for a test that expects it to refuse to start: waits
    /// until it exits and returns its exit code and everything it printed (stdout, then stderr). A gateway still running
    /// after <paramref name="timeout"/> (90 s by default) started instead of refusing: it is killed and the exit code is
    /// that of the kill. <paramref name="port"/> picks the port (a free one when null).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(string dataDir, IEnumerable<string>? extraArgs = null,
        int? openFileLimit = null, TimeSpan? timeout = null, int? port = null)
    {
        var info = StartInfo(dataDir, port ?? FreePort.Next(), tls: false, extraArgs?.ToList() ?? [], environment: null, openFileLimit);
        info.RedirectStandardInput = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <summary>
    /// The gateway's command line: <c>dotnet SensorStream.Gateway.dll --data-dir … --urls http(s)://127.0.0.1:PORT</c> and
    /// <paramref name="args"/>, through <c>bash -c "ulimit -n N && exec dotnet …"</c> when <paramref name="openFileLimit"/>
    /// is given (the process is still the gateway's). The child's settings come from its command line (and
    /// <paramref name="environment"/>) only, not from the test runner's <c>GATEWAY_*</c> variables.
    /// </summary>
    private static ProcessStartInfo StartInfo(string dataDir, int port, bool tls, IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? environment, int? openFileLimit)
    {
        var dll = RepoPaths.GatewayDll;
        var info = new ProcessStartInfo(openFileLimit is null ? "dotnet" : "bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        if (openFileLimit is { } limit)
            foreach (var a in new[] { "-c", $"ulimit -n {limit} && exec dotnet \"$@\"", "bash" }) info.ArgumentList.Add(a);
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--data-dir");
        info.ArgumentList.Add(Path.GetFullPath(dataDir));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"{(tls ? "https" : "http")}://127.0.0.1:{port}");
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("GATEWAY_", StringComparison.Ordinal) || k == "ASPNETCORE_URLS").ToList())
            info.Environment.Remove(key);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        return info;
    }

    /// <summary>Starts a new gateway process on the same data directory, port and arguments (this one must have exited).</summary>
    public Task<GatewayProcess> RestartAsync(TimeSpan? startTimeout = null, CancellationToken ct = default)
    {
        if (!_process.HasExited) throw new InvalidOperationException("The gateway is still running: Kill() or StopAsync() it first.");
        return StartAsync(DataDir, _extraArgs, Port, startTimeout, _environment, ct);
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout, CancellationToken ct)
    {
        var handler = new SocketsHttpHandler();
        // The probe only asks "is it up?": a test's self-signed certificate is checked by the test's own client.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var channel = GrpcChannel.ForAddress(Endpoint, new GrpcChannelOptions { HttpHandler = handler });
        var client = new PravegaGateway.PravegaGatewayClient(channel);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // The exit can be seen before the last output lines are delivered; WaitForExit() without a timeout
                // waits for the redirected streams to reach their end, so the message holds the process's last words.
                _process.WaitForExit();
                throw new InvalidOperationException(
                    $"The gateway exited with code {_process.ExitCode} before serving. Output:{Environment.NewLine}{OutputText}");
            }
            try
            {
                await client.ListScopesAsync(new ListScopesRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct);
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.Unimplemented)
            {
                return; // it answered: authentication is on and the probe has no token, or it runs --protocol public (no ListScopes)
            }
            catch (RpcException) when (deadline.Elapsed < timeout)
            {
                await Task.Delay(50, ct).ConfigureAwait(false); // polling interval of the readiness probe, not a synchronization
            }
            catch (RpcException e)
            {
                throw new TimeoutException(
                    $"The gateway did not serve ListScopes within {timeout} ({e.Status}). Output:{Environment.NewLine}{OutputText}", e);
            }
        }
    }

    /// <summary>Kills the gateway and its process tree at once (SIGKILL: no shutdown code runs) and waits for it to exit.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited between the check and the kill
        }
        _process.WaitForExit();
    }

    /// <summary>Asks the gateway to shut down cleanly (SIGTERM) and returns its exit code; kills it after <paramref name="timeout"/>.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            if (OperatingSystem.IsWindows()) _process.Kill(entireProcessTree: true);
            else _ = SendSignal(_process.Id, 15);
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The gateway did not exit within {timeout} of SIGTERM. Output:{Environment.NewLine}{OutputText}");
        }
        return _process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"gateway pid {(_process.HasExited ? "(exited)" : _process.Id)} at {Endpoint} on {DataDir}";
}
