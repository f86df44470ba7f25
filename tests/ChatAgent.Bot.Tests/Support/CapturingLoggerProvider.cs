using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Bot.Tests.Support;

/// <summary>Keeps every log line the host writes — message, scopes, state values and exception — at every level.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (k, v) in values) line.Append($" {k}={v}");
            owner._scopes.ForEachScope((scope, sb) => sb.Append(" scope=").Append(scope is IEnumerable<KeyValuePair<string, object>> kv
                ? string.Join(",", kv.Select(p => $"{p.Key}={p.Value}")) : scope?.ToString()), line);
            if (exception is not null) line.Append(' ').Append(exception);
            owner.Lines.Enqueue(line.ToString());
        }
    }
}
