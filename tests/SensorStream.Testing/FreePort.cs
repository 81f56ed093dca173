using System.Net;
using System.Net.Sockets;

namespace SensorStream.Testing;

/// <summary>Free TCP ports on the loopback interface, for servers that a test starts.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that was free a moment ago: the OS picks it (bind to port 0), then the socket is closed.
    /// Another process could take it before the caller binds; in practice the OS does not hand the same
    /// ephemeral port out again immediately.
    /// </summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
