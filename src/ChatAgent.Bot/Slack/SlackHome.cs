using ChatAgent.Core.Approvals;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// The App Home tab as an approvals inbox: when a person opens it (<c>app_home_opened</c>) and after they press a button
/// on it, it is published for them (<c>views.publish</c>) with every approval that awaits them (<see cref="ApprovalInbox"/>),
/// each as its card with the card's buttons, so deciding there is deciding on the card. A refusal (not an approver,
/// already decided) heads the tab, since a Home tab has no ephemeral messages.
/// </summary>
public sealed class SlackHome(ApprovalInbox inbox, SlackCards cards, SlackApiClient api, ILogger<SlackHome> log)
{
    public const string Title = "Awaiting you";

    /// <summary>Publishes <paramref name="user"/>'s (a Slack user id) Home tab; Slack refusing or being unreachable is logged, not thrown.</summary>
    public async Task PublishAsync(string user, string? notice, CancellationToken ct)
    {
        try
        {
            await api.PublishHomeAsync(user, await BlocksAsync(user, notice, ct), ct);
        }
        catch (Exception failure) when (SlackApiException.IsSlackFailure(failure, ct))
        {
            log.LogWarning("Could not publish the App Home of {User}: {Error}", user, failure.Message);
        }
    }

    public async Task<IReadOnlyList<SlackBlock>> BlocksAsync(string user, string? notice, CancellationToken ct)
    {
        var items = await inbox.ForAsync(SlackUsers.Actor(user, null).Id, ct);
        var blocks = new List<SlackBlock> { new HeaderBlock(SlackText.Plain(Title, BlockKitLimits.HeaderText)) };
        if (notice is not null) blocks.Add(new SectionBlock(SlackText.Markdown(BlockKitLimits.Clip("⚠️ " + SlackCards.Escape(notice), BlockKitLimits.Text))));
        if (items.Count == 0)
        {
            blocks.Add(new SectionBlock(SlackText.Markdown(Core.Chat.ChatTexts.NothingPending)));
            return blocks;
        }
        // The headline and the closing note take two blocks.
        var (cardBlocks, shown) = cards.Approvals(items.Select(i => (i.Thread, i.Approval)), BlockKitLimits.ModalBlocks - blocks.Count - 2);
        blocks.Add(new SectionBlock(SlackText.Markdown(shown == items.Count
            ? $"{items.Count} approval(s) waiting for you, the soonest to expire first."
            : $"{items.Count} approval(s) waiting for you; the first {shown} are shown. Decide these, and the others appear.")));
        blocks.AddRange(cardBlocks);
        blocks.Add(new ContextBlock([SlackText.Markdown("The same cards are in the threads' channels (and your DMs where the policy says so); deciding here updates them all. Open this tab again to refresh it.")]));
        return blocks;
    }
}
