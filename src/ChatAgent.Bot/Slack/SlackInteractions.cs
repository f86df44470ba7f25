using System.Text.Json;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// Button clicks and modal submissions, one small handler per action id (registered in <see cref="_actions"/>).
/// Decisions go to <see cref="ThreadService"/> as <c>slack:&lt;user&gt;</c>, which decides each approval once however
/// often it is clicked; a refusal (not an approver, expired, already decided) comes back as a message only the
/// clicker sees. The card itself is updated through the outbox.
/// </summary>
public sealed class SlackInteractions
{
    private readonly ThreadService _threads;
    private readonly ApproverDirectory _approvers;
    private readonly SlackApiClient _api;
    private readonly SlackEditModal _edit;
    private readonly SlackHome _home;
    private readonly ILogger<SlackInteractions> _log;
    private readonly Dictionary<string, Func<InteractionPayload, SlackAction, Actor, CancellationToken, Task>> _actions;

    public SlackInteractions(ThreadService threads, ApproverDirectory approvers, SlackApiClient api, SlackEditModal edit, SlackHome home, ILogger<SlackInteractions> log)
    {
        _home = home;
        _edit = edit;
        _threads = threads;
        _approvers = approvers;
        _api = api;
        _log = log;
        _actions = new(StringComparer.Ordinal)
        {
            [SlackActions.Approve] = (p, a, actor, ct) => DecideAsync(p, a, approve: true, actor, ct),
            [SlackActions.Deny] = (p, a, actor, ct) => DecideAsync(p, a, approve: false, actor, ct),
            [SlackActions.ApproveWithComment] = (p, a, actor, ct) => OpenCommentAsync(p, a, "approve", actor, ct),
            [SlackActions.DenyWithComment] = (p, a, actor, ct) => OpenCommentAsync(p, a, "deny", actor, ct),
            [SlackActions.Edit] = edit.OpenAsync,
            [SlackActions.ApproveAndAllow] = ApproveAndAllowAsync,
            [SlackActions.Retry] = async (p, a, actor, ct) => await RefuseIfRejectedAsync(p, await _threads.ResumeAsync(a.Value ?? "", actor, null, ct), ct),
            [SlackActions.RetryWithHint] = OpenHintAsync,
            [SlackActions.Abort] = async (p, a, actor, ct) => await RefuseIfRejectedAsync(p, await _threads.AbortAsync(a.Value ?? "", actor, null, ct), ct),
        };
    }

    /// <summary>Handles one interaction; returns the body to answer Slack with (null: an empty 200).</summary>
    public async Task<object?> HandleAsync(InteractionPayload payload, CancellationToken ct)
    {
        var actor = SlackUsers.Actor(payload.User.Id, payload.User.Name ?? payload.User.Username);
        switch (payload.Type)
        {
            case "block_actions":
                foreach (var action in payload.Actions ?? [])
                {
                    if (_actions.TryGetValue(action.ActionId, out var handle)) await handle(payload, action, actor, ct);
                    else _log.LogInformation("Ignored Slack action {ActionId}", action.ActionId);
                }
                // The Home tab shows the inbox as it is now: a decided card leaves it; a refusal heads it.
                if (payload.FromHome) await _home.PublishAsync(payload.User.Id, payload.HomeNotices.LastOrDefault(), ct);
                return null;
            case "view_submission":
                return await SubmitAsync(payload, actor, ct);
            default:
                return null;
        }
    }

    private async Task DecideAsync(InteractionPayload payload, SlackAction action, bool approve, Actor actor, CancellationToken ct)
    {
        if (!SlackActions.TryParseApprovalValue(action.Value, out var threadId, out var approvalId)) return;
        var result = await _threads.DecideApprovalAsync(threadId, approvalId, approve, actor, null, ct);
        await RefuseIfRejectedAsync(payload, result, ct);
    }

    /// <summary>"Approve and allow for 1 h": approves and creates a standing grant for what the card offered (the policy's offer).</summary>
    private async Task ApproveAndAllowAsync(InteractionPayload payload, SlackAction action, Actor actor, CancellationToken ct)
    {
        if (!SlackActions.TryParseApprovalValue(action.Value, out var threadId, out var approvalId)) return;
        var offered = (await _threads.GetStateAsync(threadId, null, ct))?.FindPendingApproval(approvalId)?.Policy.GrantOffer ?? Core.Tools.GrantPolicy.DefaultMaxFor;
        await RefuseIfRejectedAsync(payload, await _threads.ApproveAndAllowAsync(threadId, approvalId, offered, actor, null, ct), ct);
    }

    private async Task OpenCommentAsync(InteractionPayload payload, SlackAction action, string decision, Actor actor, CancellationToken ct)
    {
        if (!SlackActions.TryParseApprovalValue(action.Value, out var threadId, out var approvalId) || payload.TriggerId is null) return;
        // Refuse before asking for a comment that could not count.
        var state = await _threads.GetStateAsync(threadId, null, ct);
        if (state?.FindPendingApproval(approvalId) is not { } pending)
        {
            await RefuseIfRejectedAsync(payload, await _threads.DecideApprovalAsync(threadId, approvalId, decision == "approve", actor, null, ct), ct);
            return;
        }
        if (_approvers.CheckMayDecide(pending, actor.Id) is { } refusal)
        {
            _log.LogWarning("Refused approval decision on {ThreadId}/{ApprovalId} by {User}: {Reason}", threadId, approvalId, actor.Id, refusal.Code);
            await EphemeralAsync(payload, refusal.Message, ct);
            return;
        }
        var verb = decision == "approve" ? "Approve" : "Deny";
        var metadata = JsonSerializer.Serialize(new CommentMetadata(threadId, approvalId, decision), SlackJson.Options);
        await _api.OpenViewAsync(payload.TriggerId, new SlackModal(
            SlackActions.CommentModal,
            SlackText.Plain(verb + " with comment", BlockKitLimits.ModalTitle),
            SlackText.Plain(verb, BlockKitLimits.ModalTitle),
            SlackText.Plain("Cancel", BlockKitLimits.ModalTitle),
            [
                new SectionBlock(SlackText.Markdown($"{verb} `{pending.Tool}` on thread `{threadId}`.")),
                new InputBlock(SlackText.Plain("Comment"), new PlainTextInputElement { ActionId = SlackActions.TextInput }, Optional: decision == "approve") { BlockId = SlackActions.TextBlock },
            ],
            metadata), ct);
    }

    private async Task OpenHintAsync(InteractionPayload payload, SlackAction action, Actor actor, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(action.Value) || payload.TriggerId is null) return;
        // Refuse before asking for a hint that could not be used.
        if (await _threads.GetStateAsync(action.Value, null, ct) is { } state && _approvers.CheckMaySteer(state, actor) is { } refusal)
        {
            _log.LogWarning("Refused retry-with-hint on {ThreadId} by {User}: {Reason}", action.Value, actor.Id, refusal.Code);
            await EphemeralAsync(payload, refusal.Message, ct);
            return;
        }
        await _api.OpenViewAsync(payload.TriggerId, new SlackModal(
            SlackActions.HintModal,
            SlackText.Plain("Retry with a hint", BlockKitLimits.ModalTitle),
            SlackText.Plain("Retry", BlockKitLimits.ModalTitle),
            SlackText.Plain("Cancel", BlockKitLimits.ModalTitle),
            [new InputBlock(SlackText.Plain("Hint for the agent"), new PlainTextInputElement { ActionId = SlackActions.TextInput }, Optional: true) { BlockId = SlackActions.TextBlock }],
            action.Value), ct);
    }

    private async Task<object?> SubmitAsync(InteractionPayload payload, Actor actor, CancellationToken ct)
    {
        var view = payload.View;
        var text = view?.State?.Values?.GetValueOrDefault(SlackActions.TextBlock)?.GetValueOrDefault(SlackActions.TextInput)?.Value;
        CommandResult result;
        switch (view?.CallbackId)
        {
            case SlackActions.CommentModal:
                var meta = SlackPayloadParser.TryParse<CommentMetadata>(view.PrivateMetadata ?? "");
                if (meta is null) return null;
                result = await _threads.DecideApprovalAsync(meta.Thread, meta.Approval, meta.Decision == "approve", actor, text, ct);
                break;
            case SlackActions.EditModal:
                return await _edit.SubmitAsync(view, actor, ct);
            case SlackActions.HintModal:
                result = await _threads.ResumeAsync(view.PrivateMetadata ?? "", actor, text, ct);
                break;
            default:
                return null;
        }
        if (result.Accepted) return null;
        // Shown in the modal, next to the field, so the person sees why nothing happened.
        return new Dictionary<string, object>
        {
            ["response_action"] = "errors",
            ["errors"] = new Dictionary<string, string> { [SlackActions.TextBlock] = BlockKitLimits.Clip(result.Message ?? "Refused.", 150) },
        };
    }

    private async Task RefuseIfRejectedAsync(InteractionPayload payload, CommandResult result, CancellationToken ct)
    {
        if (result.Accepted) return;
        _log.LogInformation("Slack action by {User} refused: {Code}", "slack:" + payload.User.Id, result.Code);
        await EphemeralAsync(payload, result.Message ?? "That did not work.", ct);
    }

    private Task EphemeralAsync(InteractionPayload payload, string text, CancellationToken ct)
    {
        if (payload.ChannelId is { } channel) return _api.PostEphemeralAsync(channel, payload.User.Id, text, null, ct);
        if (payload.FromHome) payload.HomeNotices.Add(text);
        return Task.CompletedTask;
    }
}
