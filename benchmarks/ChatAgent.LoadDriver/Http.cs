using System.Net;
using System.Net.Sockets;

namespace ChatAgent.LoadDriver;

public static class Http
{
    /// <summary>A client with a connection pool big enough for open-loop load (no queueing in the client).</summary>
    public static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
