namespace ChatAgent.Core.Storage.InMemory;

/// <summary>Webhook delivery claims in memory (the embedded default: lost on exit, like the events).</summary>
public sealed class InMemoryWebhookDeliveries : IWebhookDeliveries
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Webhook, string Key), (string LaunchKey, DateTimeOffset At)> _claims = [];

    public Task<WebhookDeliveryClaim> ClaimAsync(
        string webhook, IReadOnlyList<string> keys, string launchKey, DateTimeOffset at, TimeSpan retention, CancellationToken cancellationToken = default)
    {
        var cutoff = at - retention;
        lock (_lock)
        {
            foreach (var expired in _claims.Where(c => c.Key.Webhook == webhook && c.Value.At <= cutoff).Select(c => c.Key).ToList())
                _claims.Remove(expired);
            var earlier = keys.Select(k => _claims.TryGetValue((webhook, k), out var c) ? c : default((string LaunchKey, DateTimeOffset At)?))
                .Where(c => c is not null).Select(c => c!.Value).OrderBy(c => c.At).FirstOrDefault();
            if (earlier.LaunchKey is not null) return Task.FromResult(new WebhookDeliveryClaim(earlier.LaunchKey, Replay: true));
            foreach (var key in keys) _claims[(webhook, key)] = (launchKey, at);
        }
        return Task.FromResult(new WebhookDeliveryClaim(launchKey, Replay: false));
    }
}
