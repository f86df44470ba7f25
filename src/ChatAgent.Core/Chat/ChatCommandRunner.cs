using ChatAgent.Core.Agents;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Chat;

/// <summary>
/// Runs a chat line for an authenticated person: parses it once (<see cref="ChatCommandParser"/>), calls
/// <see cref="ThreadService"/>, and answers with a typed <see cref="ChatReply"/> in the surface's style. Every surface
/// (Slack slash commands, mentions and direct messages, Teams messages, the web chat's box) goes through here, so the
/// same line does the same thing everywhere.
/// </summary>
public sealed class ChatCommandRunner(ChatCommandParser parser, ThreadService threads, IAgentCatalog catalog, ApprovalInbox inbox, IOptions<ChatOptions> options)
{
    /// <summary>How many waiting threads the question lookup reads.</summary>
    private const int WaitingThreads = 100;

    public IReadOnlyList<AgentDefinition> Agents => options.Value.InOrder(catalog.Agents);

    public Task<ChatReply> RunAsync(string line, ChatContext context, CancellationToken ct = default) =>
        RunAsync(parser.Parse(line, context.DefaultAgent), context, ct);

    public async Task<ChatReply> RunAsync(ChatCommand command, ChatContext context, CancellationToken ct = default)
    {
        var style = context.Style;
        return command switch
        {
            LaunchAgent c => await LaunchAsync(c, context, ct),
            ShowHelp => new ChatAnswer(ChatTexts.Help(Agents, style)),
            ListAgents => new ChatAnswer(ChatTexts.List(Agents, style)),
            ListPending => await PendingAsync(context, ct),
            ListGrants => await threads.ListGrantsAsync(false, null, ct) is { Count: > 0 } live
                ? new ChatAnswer(ChatTexts.Grants(live, style))
                : new ChatAnswer(ChatTexts.NoGrants),
            RevokeGrant { GrantId: "" } => new CommandRefused(RejectionCodes.Usage, ChatTexts.RevokeUsage(style)),
            RevokeGrant c => await threads.RevokeGrantAsync(c.GrantId, context.Actor, c.Reason, ct) is { Accepted: false } refused
                ? new CommandRefused(refused.Code!, refused.Message!)
                : new ChatAnswer(ChatTexts.Revoked(c.GrantId, style)),
            ShowStatus c => await threads.GetStateAsync(c.ThreadId, null, ct) is { } state
                ? new ChatAnswer(ChatTexts.Status(state, style))
                : new ChatAnswer(ChatTexts.NoThread(c.ThreadId, style)),
            PauseThread c => Steered("pause", await threads.PauseAsync(c.ThreadId, context.Actor, ct), style),
            ResumeThread c => Steered("resume", await threads.ResumeAsync(c.ThreadId, context.Actor, c.Feedback, ct), style),
            AbortThread c => Steered("abort", await threads.AbortAsync(c.ThreadId, context.Actor, c.Reason, ct), style),
            ThreadMissing c => new CommandRefused(RejectionCodes.Usage, ChatTexts.ThreadMissing(c.Verb, style)),
            UnknownCommand c => await UnknownAsync(c, context, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "A chat command without a rule."),
        };
    }

    private async Task<ChatReply> LaunchAsync(LaunchAgent command, ChatContext context, CancellationToken ct)
    {
        var result = await threads.LaunchAsync(new LaunchCommand(command.Agent, command.Input, context.Origin, context.Actor, context.DeliveryKey), ct);
        if (!result.Accepted)
            return new CommandRefused(result.Code!, result.Code == RejectionCodes.Usage && catalog.FindAgent(command.Agent) is { } agent
                ? ChatTexts.Usage(agent, context.Style)
                : result.Message!);
        var id = result.State!.Id;
        return new ThreadLaunched(id, result.State.Agent, result.Duplicate, ChatTexts.Launched(result.State.Agent, id, result.Duplicate, context.Style));
    }

    private static ChatReply Steered(string verb, CommandResult result, ChatStyle style) => result.Accepted
        ? new ThreadSteered(result.State!.Id, verb, ChatTexts.Steered(verb, result.State.Id, style))
        : new CommandRefused(result.Code!, result.Message!);

    private async Task<ChatReply> PendingAsync(ChatContext context, CancellationToken ct)
    {
        var items = (await inbox.ForAsync(context.Actor.Id, ct))
            .Select(i => new PendingItem(i.Thread, i.Approval, ChatTexts.PendingLine(i.Thread, i.Approval, context.Style))).ToList();
        return items.Count == 0 ? new ChatAnswer(ChatTexts.NothingPending) : new ApprovalsPending(ChatTexts.Pending(items.Count), items);
    }

    private async Task<ChatReply> UnknownAsync(UnknownCommand command, ChatContext context, CancellationToken ct)
    {
        if (context.AnswersQuestions && await FindQuestionAsync(context, ct) is { } waiting)
        {
            var answered = await threads.AnswerAsync(waiting.Id, context.Actor, command.Line, waiting.PendingQuestion!.Id, ct);
            return answered.Accepted ? new QuestionAnswered(waiting.Id) : new CommandRefused(answered.Code!, answered.Message!);
        }
        return new CommandRefused(RejectionCodes.CommandUnknown, ChatTexts.Unknown(command.Word, Agents, context.Style));
    }

    /// <summary>The most recently active thread of this conversation that waits for an answer, if any.</summary>
    private async Task<ThreadState?> FindQuestionAsync(ChatContext context, CancellationToken ct)
    {
        if (context.Origin.Conversation is not { } conversation) return null;
        var waiting = await threads.ListAsync(new ThreadQuery(ThreadStatus.AwaitingHuman.WireName(), Limit: WaitingThreads), ct);
        foreach (var summary in waiting.Where(s => s.Platform == context.Origin.Platform))
        {
            if (await threads.GetStateAsync(summary.Id, null, ct) is { PendingQuestion: not null } state
                && string.Equals(state.Origin.Conversation, conversation, StringComparison.Ordinal))
                return state;
        }
        return null;
    }
}
