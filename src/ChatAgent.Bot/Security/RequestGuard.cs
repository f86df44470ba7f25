namespace ChatAgent.Bot.Security;

/// <summary>
/// Runs before every endpoint: a body over <see cref="InputLimits.MaxBodyBytes"/> is refused with 413 (declared
/// lengths at once, streamed ones as soon as they pass the limit, through the server's body-size feature), and a
/// state-changing request whose <c>Origin</c> is not the bot's own (a page elsewhere posting through someone's
/// browser) is refused with 403. Server-to-server callers (Slack, Teams, webhooks, API clients) send no Origin.
/// </summary>
public sealed class RequestGuard(RequestDelegate next, ILogger<RequestGuard> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.ContentLength > InputLimits.MaxBodyBytes)
        {
            await RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {InputLimits.MaxBodyBytes} bytes.");
            return;
        }
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = InputLimits.MaxBodyBytes;
        if (ChangesState(http.Request.Method) && http.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !IsOwnOrigin(origin, http.Request.Host))
        {
            log.LogWarning("Refused a {Method} to {Path} from foreign origin {Origin}", http.Request.Method, http.Request.Path, origin);
            await RefuseAsync(http, StatusCodes.Status403Forbidden, "Requests from other sites are refused.");
            return;
        }
        await next(http);
    }

    private static bool ChangesState(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    /// <summary>The origin names the host this request was sent to (and its port, when the Host header carries one).</summary>
    internal static bool IsOwnOrigin(string origin, HostString host)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !host.HasValue) return false;
        if (!string.Equals(uri.IdnHost, host.Host, StringComparison.OrdinalIgnoreCase)
            && !string.Equals("[" + uri.IdnHost + "]", host.Host, StringComparison.OrdinalIgnoreCase)) return false;
        return host.Port is not { } port || port == uri.Port;
    }

    private static Task RefuseAsync(HttpContext http, int status, string detail)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.Connection = "close";
        return http.Response.WriteAsJsonAsync(new { title = status == 403 ? "Forbidden" : "Payload Too Large", status, detail }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
