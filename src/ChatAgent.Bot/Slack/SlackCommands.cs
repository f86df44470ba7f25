using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// Slack's side of the chat command language (<see cref="ChatCommandRunner"/>): a slash command or a mention / direct
/// message becomes one line and the authenticated Slack user; the typed reply becomes an ephemeral message (approval
/// cards for <c>pending</c>). No words are parsed here.
/// </summary>
public sealed class SlackCommands(ChatCommandRunner runner, SlackCards cards, SlackResponseUrls responseUrls)
{
    /// <summary>Slack's marks: mrkdwn code and bold, escaped text, Slack's own date formatting, agents' slash words.</summary>
    public static ChatStyle Style(string commandPrefix) => new()
    {
        CommandPrefix = commandPrefix,
        Code = s => $"`{s}`",
        Strong = s => $"*{s}*",
        Escape = SlackCards.Escape,
        Date = SlackUsers.Date,
        ShowsSlashWords = true,
    };

    /// <summary>A slash command: <c>/agent &lt;line&gt;</c> or an agent's own command such as <c>/deploy api to production</c>.</summary>
    public async Task<SlackReply> HandleSlashAsync(SlashCommand command, CancellationToken ct)
    {
        var actor = SlackUsers.Actor(command.UserId, command.UserName);
        var origin = new Origin(SlackChatSurface.PlatformName, command.ChannelId, null, actor.Id);
        var reply = await runner.RunAsync($"{command.Command} {command.Text}",
            new ChatContext(actor, origin, Style("/agent "), "slack:trigger:" + command.TriggerId), ct);
        // Kept for the case the bot may not post in that channel (a private channel or DM it is not a member of).
        if (reply is ThreadLaunched launched) responseUrls.Remember(launched.ThreadId, command.ResponseUrl);
        return Render(reply);
    }

    /// <summary>An @mention or a direct message; a launched thread replies in <paramref name="threadTs"/>.</summary>
    public async Task<SlackReply> HandleMessageAsync(string text, Actor actor, string channel, string threadTs, string deliveryKey, CancellationToken ct)
    {
        var origin = new Origin(SlackChatSurface.PlatformName, channel, threadTs, actor.Id);
        return Render(await runner.RunAsync(text, new ChatContext(actor, origin, Style("@ChatAgent "), deliveryKey), ct));
    }

    private SlackReply Render(ChatReply reply) => reply switch
    {
        ThreadLaunched launched => new SlackReply(launched.Text, ThreadId: launched.ThreadId),
        ApprovalsPending pending => Pending(pending),
        _ => new SlackReply(BlockKitLimits.Clip(reply.Text, BlockKitLimits.Text)),
    };

    /// <summary>Each approval as its card with buttons, within Slack's 50 blocks a message.</summary>
    private SlackReply Pending(ApprovalsPending pending)
    {
        // One block is kept for the headline.
        var (blocks, shown) = cards.Approvals(pending.Items.Select(i => (i.Thread, i.Approval)), BlockKitLimits.MessageBlocks - 1);
        var more = pending.Items.Count - shown;
        var text = more > 0 ? $"{pending.Text[..^1]} ({shown} shown; decide these first, then ask again for the other {more})." : pending.Text;
        blocks.Insert(0, new SectionBlock(SlackText.Markdown(text)));
        return new SlackReply(text, blocks);
    }
}
