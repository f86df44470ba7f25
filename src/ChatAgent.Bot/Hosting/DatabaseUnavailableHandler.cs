using Microsoft.AspNetCore.Diagnostics;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;

namespace ChatAgent.Bot.Hosting;

/// <summary>
/// A request that failed because PostgreSQL is away for a moment (restarting, failing over, refusing connections)
/// answers 503 with <c>Retry-After</c> instead of 500: nothing was acknowledged, and the same request (a launch with its
/// idempotency key, a click, a resume) can be sent again; if it did land, the retry is answered as a duplicate.
/// Every other exception is left to the default handler.
/// </summary>
public sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseUnavailable(exception)) return false;
        log.LogWarning("The database is unavailable; answering {Method} {Path} with 503: {Error}",
            httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable",
                Detail = "The request was not acknowledged; send it again in a moment.",
            },
        });
    }

    /// <summary>True when the exception, or one it wraps, is PostgreSQL being unreachable or going away.</summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is StoreUnavailableException || PostgresErrors.IsUnavailable(e)) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsDatabaseUnavailable)) return true;
        }
        return false;
    }
}
