namespace ChatAgent.Bot.Security;

/// <summary>
/// Runs before every endpoint: a body over <see cref="InputLimits.MaxBodyBytes"/> is refused with 413 (declared
/// lengths at once, streamed ones as soon as they pass the limit, whatever they contain), and a
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
        if (http.Request.ContentLength is null && http.Request.Headers.TransferEncoding.Count > 0 && !await WithinLimitAsync(http))
        {
            await RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {InputLimits.MaxBodyBytes} bytes.");
            return;
        }
        await next(http);
    }

    /// <summary>
    /// A streamed body (no declared length) is read to its end, into a buffer, before the endpoint sees it: an endpoint
    /// that parses as it reads would otherwise answer 400 or 413 for the same oversized body, depending on how much had
    /// arrived when the parser first looked. Bots and APIs declare their lengths, so this is rare and small.
    /// </summary>
    private static async Task<bool> WithinLimitAsync(HttpContext http)
    {
        http.Request.EnableBuffering(bufferThreshold: 64 * 1024);
        var chunk = new byte[16 * 1024];
        long total = 0;
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                total += read;
                if (total > InputLimits.MaxBodyBytes) return false;
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return false;
        }
        http.Request.Body.Position = 0;
        return true;
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
