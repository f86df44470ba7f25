using ChatAgent.Bot.Teams.Cards;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// Teams' side of the chat command language (<see cref="ChatCommandRunner"/>): a typed message, without the mentions
/// Teams wraps around it, becomes one line and the authenticated Entra user; a line that is no command answers the
/// question a thread of this conversation waits for. Replies go back as replies (approval cards for <c>pending</c>);
/// a launch says nothing here, because the thread's own status message is posted by the outbox.
/// </summary>
public sealed class TeamsMessages(ChatCommandRunner runner, TeamsCards cards, TeamsReplies replies)
{
    /// <summary>Teams' text goes out as plain text: no marks, a blank line between lines.</summary>
    public static ChatStyle Style { get; } = ChatStyle.Plain with { Bullet = "- ", LineBreak = "\n\n" };

    /// <summary>The most cards one reply carries.</summary>
    private const int MaxCards = 10;

    public async Task HandleAsync(Activity activity, Actor actor, CancellationToken ct)
    {
        var origin = new Origin(TeamsChatSurface.PlatformName, activity.Conversation?.Id, activity.Id, actor.Id, activity.ServiceUrl, activity.TenantId);
        var context = new ChatContext(actor, origin, Style, "teams:" + activity.Id, AnswersQuestions: true);
        switch (await runner.RunAsync(TeamsText.Clean(activity.Text), context, ct))
        {
            case ThreadLaunched or QuestionAnswered:
                return;
            case ApprovalsPending pending:
                var shown = pending.Items.Take(MaxCards).Select(i => cards.Approval(i.Thread, i.Approval.Id, actor.Id)).ToArray();
                replies.Reply(activity, TeamsChatSurface.CardActivity(shown) with { Text = pending.Text });
                return;
            case var reply:
                replies.Reply(activity, TeamsChatSurface.Text(reply.Text));
                return;
        }
    }
}
