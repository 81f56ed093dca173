using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// A listen address (<c>--urls</c>) another process holds: the gateway exits with <see cref="ExitCode"/> and one line
/// naming it, not the host's stack trace. Checked after the data directory is locked and opened (so a second gateway
/// on the same data directory is refused by its lock first, exit 4) and before Kestrel binds; an address taken between
/// the check and the bind is reported the same way when Kestrel refuses it.
/// </summary>
public static class ListenAddressInUse
{
    /// <summary>Exit code of the gateway when a listen address is in use.</summary>
    public const int ExitCode = 5;

    /// <summary>The error line for the first address of <paramref name="urls"/> another process holds, or null when none is held.</summary>
    public static string? Check(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                continue; // Kestrel refuses it with its own message
            }
            if (address.IsUnixPipe || address.IsNamedPipe || address.Port == 0) continue;
            foreach (var endpoint in Endpoints(address))
                if (Taken(endpoint)) return Message(url);
        }
        return null;
    }

    /// <summary>The error line when <paramref name="e"/> is Kestrel's refusal of an address in use, or null.</summary>
    public static string? Of(Exception e) =>
        e is IOException { InnerException: AddressInUseException } ? $"{GatewayServerSettings.Group["Urls"].FlagAndVariable}: {e.Message.TrimEnd('.')}: stop the other process or choose another port" : null;

    private static string Message(string url) =>
        $"{GatewayServerSettings.Group["Urls"].FlagAndVariable}: {url} is in use by another process (another gateway on this port?): stop it or choose another port";

    /// <summary>Where Kestrel binds a URL: localhost on both loopbacks, an IP address on itself, any other host on all interfaces.</summary>
    private static IEnumerable<IPEndPoint> Endpoints(BindingAddress address)
    {
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            return [new(IPAddress.Loopback, address.Port), new(IPAddress.IPv6Loopback, address.Port)];
        if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip)) return [new(ip, address.Port)];
        return [new(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, address.Port)];
    }

    /// <summary>Binds (without listening) a socket as Kestrel's would be; only "address in use" counts, other failures are Kestrel's to report.</summary>
    private static bool Taken(IPEndPoint endpoint)
    {
        try
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (endpoint.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.Bind(endpoint);
            return false;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.AddressAlreadyInUse;
        }
    }
}
