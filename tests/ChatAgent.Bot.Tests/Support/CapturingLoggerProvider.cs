using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Bot.Tests.Support;

/// <summary>
/// Records every log entry the host writes, at every level, with the values of the scopes around it, its state
/// values and exception — as a structured-log sink would see them. <see cref="Lines"/> renders each entry in full.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    /// <summary>Every entry as one line: level, category, message, state values, scopes and exception.</summary>
    public IEnumerable<string> Lines => Entries.Select(e => e.Rendered);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scope, string Rendered, Exception? Exception = null);

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var scope = new Dictionary<string, object?>();
            var line = new System.Text.StringBuilder($"{logLevel} {category}: {message}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (k, v) in values) line.Append($" {k}={v}");
            provider._scopes.ForEachScope((s, acc) =>
            {
                if (s is IEnumerable<KeyValuePair<string, object>> pairs)
                {
                    foreach (var (k, v) in pairs) acc.Scope[k] = v;
                    acc.Line.Append(" scope=").Append(string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}")));
                }
                else
                {
                    acc.Line.Append(" scope=").Append(s?.ToString());
                }
            }, (Scope: scope, Line: line));
            if (exception is not null) line.Append(' ').Append(exception);
            provider.Entries.Enqueue(new LogEntry(category, logLevel, message, scope, line.ToString(), exception));
        }
    }
}
