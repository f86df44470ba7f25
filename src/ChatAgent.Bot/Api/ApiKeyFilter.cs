using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChatAgent.Bot.Security;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Api;

/// <summary>
/// REST API authentication: <c>Authorization: Bearer &lt;key&gt;</c> matching one of <c>Api:Keys</c> (see <see cref="Security.ApiKey"/>), compared in
/// constant time. With no keys configured the API answers loopback requests only (local use, the web chat).
/// </summary>
public sealed class ApiKeyFilter(IOptionsMonitor<ApiOptions> options) : IEndpointFilter
{
    public const string CallerItem = "chatagent.api.caller";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = options.CurrentValue.Keys;
        if (keys.Count == 0)
        {
            if (!IsLoopback(http)) return Unauthorized("The API answers local requests only until an API key (Api__Keys__<name>__Key) is configured.");
            http.Items[CallerItem] = ApiCaller.Local;
            return await next(context);
        }
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Unauthorized("Send Authorization: Bearer <api key>.");
        var presented = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        var hash = SHA256.HashData(presented);
        // Every key is compared (no early exit), so the time taken says nothing about which key came close.
        ApiKey? match = null;
        foreach (var key in keys)
            if (CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key.Secret)), hash)) match ??= key;
        if (match is null) return Unauthorized("The API key is not valid.");
        http.Items[CallerItem] = ApiCaller.For(match);
        return await next(context);
    }

    public static bool IsLoopback(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip) && http.Request.Headers["X-Forwarded-For"].Count == 0;

    private static IResult Unauthorized(string detail) =>
        TypedResults.Problem(title: "Unauthorized", detail: detail, statusCode: StatusCodes.Status401Unauthorized);
}
