using Microsoft.AspNetCore.Diagnostics;

namespace ChatAgent.Bot.Security;

/// <summary>
/// A body that passes <see cref="InputLimits.MaxBodyBytes"/> while an endpoint reads it (a streamed body without a
/// declared length) makes the server throw; that is the client's oversize request, answered 413, not a 500.
/// </summary>
public sealed class BodyTooLargeHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }) return false;
        httpContext.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = StatusCodes.Status413PayloadTooLarge, Title = "Payload Too Large", Detail = $"The body is larger than {InputLimits.MaxBodyBytes} bytes." },
        });
    }
}
