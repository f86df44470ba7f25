using Microsoft.Extensions.Logging;

namespace ChatAgent.TestHost;

/// <summary>
/// When <c>CHATAGENT_TEST_HOST_LOG</c> names a file, every host started by the tests appends its warnings and errors
/// there (with exceptions), so a failed run shows what the server saw behind a 500. <c>scripts/test.sh</c> sets it and
/// prints the unhandled exceptions when a test fails.
/// </summary>
public sealed class HostLogFile(string path) : ILoggerProvider, ILogger
{
    private static readonly Lock Gate = new();

    public static string? Path { get; } = Environment.GetEnvironmentVariable("CHATAGENT_TEST_HOST_LOG") is { Length: > 0 } p ? p : null;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        lock (Gate) File.AppendAllText(path, $"{DateTimeOffset.UtcNow:O} {logLevel} {formatter(state, exception)} {exception}\n");
    }

    public void Dispose()
    {
    }
}
