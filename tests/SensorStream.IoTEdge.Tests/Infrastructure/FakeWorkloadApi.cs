using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>
/// The IoT Edge security daemon's workload API on a unix socket, as Kestrel: signs with a module key generated
/// per test and serves a trust bundle. It records what it was asked to sign.
/// </summary>
public sealed class FakeWorkloadApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dir;

    public string SocketPath { get; }
    public Uri Uri => new($"unix://{SocketPath}");
    public byte[] Key { get; }
    public string ModuleId { get; }
    public string GenerationId { get; }
    public string? TrustBundlePem { get; set; }

    /// <summary>Every decoded string-to-sign, in order.</summary>
    public ConcurrentQueue<string> SignedData { get; } = new();

    public int TrustBundleRequests;

    private FakeWorkloadApi(WebApplication app, string dir, string socketPath, byte[] key, string moduleId, string generationId)
    {
        _app = app;
        _dir = dir;
        SocketPath = socketPath;
        Key = key;
        ModuleId = moduleId;
        GenerationId = generationId;
    }

    public static async Task<FakeWorkloadApi> StartAsync(byte[] key, string moduleId, string generationId)
    {
        // Unix socket paths are limited to ~108 bytes: keep it short.
        var dir = Directory.CreateTempSubdirectory("wl-").FullName;
        var socket = Path.Combine(dir, "workload.sock");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(socket));
        var app = builder.Build();
        var api = new FakeWorkloadApi(app, dir, socket, key, moduleId, generationId);

        app.MapPost("/modules/{moduleId}/genid/{genId}/sign", async (HttpContext http, string moduleId, string genId) =>
        {
            if (http.Request.Query["api-version"] != "2018-06-28") return Results.BadRequest("api-version");
            if (moduleId != api.ModuleId || genId != api.GenerationId) return Results.NotFound("module/genid");
            var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
            if (body?["keyId"]?.GetValue<string>() != "primary" || body["algo"]?.GetValue<string>() != "HMACSHA256")
                return Results.BadRequest("keyId/algo");
            var data = Convert.FromBase64String(body["data"]!.GetValue<string>());
            api.SignedData.Enqueue(System.Text.Encoding.UTF8.GetString(data));
            return Results.Json(new JsonObject { ["digest"] = Convert.ToBase64String(HMACSHA256.HashData(api.Key, data)) });
        });
        app.MapGet("/trust-bundle", (HttpContext http) =>
        {
            Interlocked.Increment(ref api.TrustBundleRequests);
            if (http.Request.Query["api-version"] != "2018-06-28") return Results.BadRequest("api-version");
            return api.TrustBundlePem is null
                ? Results.NotFound()
                : Results.Json(new JsonObject { ["certificate"] = api.TrustBundlePem });
        });
        await app.StartAsync();
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
