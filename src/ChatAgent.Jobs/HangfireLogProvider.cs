using System.Collections.Concurrent;
using System.Collections.Immutable;
using Hangfire.Logging;
using Microsoft.Extensions.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ChatAgent.Jobs;

/// <summary>
/// Hangfire's log provider is process-wide, and its loggers are created at any time (each job's retry attribute makes
/// one), so it must not die with one host: Hangfire.NetCore's default wraps the <see cref="ILoggerFactory"/> of whichever
/// host configured Hangfire last, and once that host stopped, every <c>CreateLogger</c> threw and the other hosts in
/// the process stopped performing jobs. This provider writes to the most recently started host that is still running
/// (in production, the one host), and to nothing once none is.
/// </summary>
public sealed class HangfireLogProvider : ILogProvider
{
    public static readonly HangfireLogProvider Instance = new();

    private ImmutableList<Entry> _live = [];

    private HangfireLogProvider()
    {
    }

    /// <summary>Makes <paramref name="factory"/> the target until <see cref="Detach"/>.</summary>
    public void Attach(ILoggerFactory factory) =>
        ImmutableInterlocked.Update(ref _live, (live, f) => live.Insert(0, new Entry(f)), factory);

    public void Detach(ILoggerFactory factory) =>
        ImmutableInterlocked.Update(ref _live, (live, f) => live.RemoveAll(e => ReferenceEquals(e.Factory, f)), factory);

    public ILog GetLogger(string name) => new HostLog(this, name);

    private ILogger? Current(string name) =>
        Volatile.Read(ref _live) is { Count: > 0 } live ? live[0].Loggers.GetOrAdd(name, live[0].Factory.CreateLogger) : null;

    private sealed class HostLog(HangfireLogProvider provider, string name) : ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            ILogger? logger;
            try
            {
                logger = provider.Current(name);
            }
            catch (ObjectDisposedException)
            {
                return false; // the host is stopping; its Detach is on the way
            }
            if (logger is null) return false;
            var level = logLevel switch
            {
                HangfireLevel.Trace => LogLevel.Trace,
                HangfireLevel.Debug => LogLevel.Debug,
                HangfireLevel.Info => LogLevel.Information,
                HangfireLevel.Warn => LogLevel.Warning,
                HangfireLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            // Hangfire asks "is this level on?" with a null message.
            if (messageFunc is null) return logger.IsEnabled(level);
            if (!logger.IsEnabled(level)) return false;
            logger.Log(level, 0, messageFunc(), exception, static (message, _) => message);
            return true;
        }
    }

    /// <summary>An attached factory (newest first in the list) with its loggers by name.</summary>
    private sealed record Entry(ILoggerFactory Factory)
    {
        public ConcurrentDictionary<string, ILogger> Loggers { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Points <see cref="HangfireLogProvider"/> at this host while it runs. Registered before the Hangfire server, so
/// it starts before and stops after it.</summary>
internal sealed class HangfireLogAttachment(ILoggerFactory factory) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        HangfireLogProvider.Instance.Attach(factory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        HangfireLogProvider.Instance.Detach(factory);
        return Task.CompletedTask;
    }
}
