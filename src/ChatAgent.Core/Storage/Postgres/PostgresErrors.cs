using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>Which PostgreSQL failures mean "the server is away for a moment" rather than "this request is wrong".</summary>
public static class PostgresErrors
{
    /// <summary>admin_shutdown, crash_shutdown, cannot_connect_now: the server is stopping or starting.</summary>
    private static readonly string[] ServerGoingAway = ["57P01", "57P02", "57P03"];

    /// <summary>True for a connection failure, a server shutting down or starting, or another transient Npgsql error.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => ServerGoingAway.Contains(pg.SqlState) || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };
}
