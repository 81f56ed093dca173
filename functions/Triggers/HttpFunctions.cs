using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using SensorStream.Functions.Orchestration;
using SensorStream.Functions.Services;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Triggers;

/// <summary><c>GET /api/streams</c> (status per stream) and <c>POST /api/export/{scope}/{stream}</c> (export what is buffered now).</summary>
public sealed class HttpFunctions(StreamSelection selection, CloudStatus status)
{
    [Function("Streams")]
    public async Task<HttpResponseData> Streams([HttpTrigger(AuthorizationLevel.Function, "get", Route = "streams")] HttpRequestData request, CancellationToken ct)
    {
        var result = new List<StreamStatus>();
        foreach (var stream in await selection.AllStreamsAsync(ct)) result.Add(await status.GetAsync(stream, ct));
        var response = request.CreateResponse(HttpStatusCode.OK);
        await response.WriteAsJsonAsync(result, ct);
        return response;
    }

    [Function("ExportNow")]
    public async Task<HttpResponseData> ExportNow([HttpTrigger(AuthorizationLevel.Function, "post", Route = "export/{scope}/{stream}")] HttpRequestData request,
        string scope, string stream, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        StreamName name;
        try
        {
            name = StreamName.Parse($"{scope}/{stream}");
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            var bad = request.CreateResponse(HttpStatusCode.BadRequest);
            await bad.WriteStringAsync(e.Message, ct);
            return bad;
        }
        var id = await SingletonStarter.StartIfIdleAsync(client, JobKind.Export, name, flushNow: true, ct);
        var response = request.CreateResponse();
        await response.WriteAsJsonAsync(new { stream = name.ToString(), instanceId = id ?? JobKind.Export.InstanceId(name), started = id is not null }, ct);
        // Set after writing: older workers reset the status to 200 when writing JSON.
        response.StatusCode = id is null ? HttpStatusCode.Conflict : HttpStatusCode.Accepted;
        return response;
    }
}
