using System.Net.Sockets;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>HttpClient for the IoT Edge daemon's APIs, which listen on <c>unix://</c> sockets (or plain http in old setups).</summary>
public static class UnixSocketHttp
{
    /// <summary>Builds a client for <paramref name="uri"/>; a <c>unix:///path</c> URI dials that socket for every request.</summary>
    public static HttpClient Create(Uri uri, TimeSpan timeout)
    {
        if (uri.Scheme is "http" or "https")
            return new HttpClient { BaseAddress = uri, Timeout = timeout };
        if (uri.Scheme != "unix")
            throw new ArgumentException($"Unsupported workload URI scheme '{uri.Scheme}' (expected unix, http or https).", nameof(uri));

        var socketPath = uri.LocalPath;
        var handler = new SocketsHttpHandler
        {
            // The host part of request URIs is meaningless here: every connection goes to the socket.
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://workload.local/"), Timeout = timeout };
    }
}
