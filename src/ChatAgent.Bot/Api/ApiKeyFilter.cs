using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Api;

/// <summary>
/// REST API authentication: <c>Authorization: Bearer &lt;key&gt;</c> matching one of <c>Api:Keys</c>, compared in
/// constant time. With no keys configured the API answers loopback requests only (local use, the web chat).
/// </summary>
public sealed class ApiKeyFilter(IOptionsMonitor<ApiOptions> options) : IEndpointFilter
{
    public const string CallerItem = "chatagent.api.caller";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = options.CurrentValue.Keys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        if (keys.Count == 0)
        {
            if (!IsLoopback(http)) return Unauthorized("The API answers local requests only until Api__Keys__0 is configured.");
            http.Items[CallerItem] = "api:local";
            return await next(context);
        }
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Unauthorized("Send Authorization: Bearer <api key>.");
        var presented = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        var index = keys.FindIndex(k => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(k)), SHA256.HashData(presented)));
        if (index < 0) return Unauthorized("The API key is not valid.");
        http.Items[CallerItem] = $"api:key-{index}";
        return await next(context);
    }

    public static bool IsLoopback(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip) && http.Request.Headers["X-Forwarded-For"].Count == 0;

    private static IResult Unauthorized(string detail) =>
        TypedResults.Problem(title: "Unauthorized", detail: detail, statusCode: StatusCodes.Status401Unauthorized);
}
