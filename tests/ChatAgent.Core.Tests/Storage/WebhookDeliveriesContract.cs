using ChatAgent.Core.Storage;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>What every <see cref="IWebhookDeliveries"/> promises, run against each implementation. Each test owns its webhook name.</summary>
public abstract class WebhookDeliveriesContract
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    protected abstract IWebhookDeliveries Deliveries { get; }

    private static string NewWebhook() => "wh" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task AClaimSharingAnyKey_WithinTheRetention_IsAReplayOfTheFirstLaunch()
    {
        var webhook = NewWebhook();
        Assert.Equal(new WebhookDeliveryClaim("L1", false), await Deliveries.ClaimAsync(webhook, ["sha256:aa", "delivery:d1"], "L1", T0, Week));

        Assert.Equal(new WebhookDeliveryClaim("L1", true), await Deliveries.ClaimAsync(webhook, ["sha256:aa", "delivery:d2"], "L2", T0.AddDays(1), Week));
        Assert.Equal(new WebhookDeliveryClaim("L1", true), await Deliveries.ClaimAsync(webhook, ["sha256:bb", "delivery:d1"], "L3", T0.AddDays(6), Week));
        // Replays claim nothing: d2 and bb were never launched themselves.
        Assert.Equal(new WebhookDeliveryClaim("L4", false), await Deliveries.ClaimAsync(webhook, ["sha256:bb", "delivery:d2"], "L4", T0.AddDays(6), Week));
    }

    [Fact]
    public async Task AfterTheRetention_TheSameKeysClaimAnew()
    {
        var webhook = NewWebhook();
        await Deliveries.ClaimAsync(webhook, ["sha256:aa", "delivery:d1"], "L1", T0, Week);

        Assert.Equal(new WebhookDeliveryClaim("L2", false), await Deliveries.ClaimAsync(webhook, ["sha256:aa", "delivery:d1"], "L2", T0 + Week + TimeSpan.FromSeconds(1), Week));
        Assert.Equal(new WebhookDeliveryClaim("L2", true), await Deliveries.ClaimAsync(webhook, ["sha256:aa"], "L3", T0 + Week + TimeSpan.FromDays(1), Week));
    }

    [Fact]
    public async Task OtherWebhooks_DoNotShareKeys()
    {
        var (one, two) = (NewWebhook(), NewWebhook());
        await Deliveries.ClaimAsync(one, ["sha256:aa", "delivery:d1"], "L1", T0, Week);

        Assert.Equal(new WebhookDeliveryClaim("L2", false), await Deliveries.ClaimAsync(two, ["sha256:aa", "delivery:d1"], "L2", T0, Week));
    }

    [Fact]
    public async Task ConcurrentClaims_SharingAKey_OneWins_AndTheOthersGetItsLaunchKey()
    {
        var webhook = NewWebhook();
        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => Deliveries.ClaimAsync(webhook, ["sha256:aa", $"delivery:d{i}"], $"L{i}", T0, Week))));

        Assert.Single(claims, c => !c.Replay);
        var winner = claims.Single(c => !c.Replay).LaunchKey;
        Assert.All(claims, c => Assert.Equal(winner, c.LaunchKey));
    }
}
