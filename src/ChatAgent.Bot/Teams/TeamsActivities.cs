using System.Text.Json;
using ChatAgent.Bot.Teams.Cards;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// Dispatches an authenticated activity: messages (commands, answers, Action.Submit fallbacks), conversationUpdate
/// (installation: the conversation reference is stored) and the <c>adaptiveCard/action</c> invoke (Universal Actions).
/// </summary>
public sealed class TeamsActivities(
    TeamsMessages messages,
    TeamsCardActions actions,
    TeamsReplies replies,
    IConversationReferences references,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<TeamsActivities> log)
{
    public const string InvokeCardType = AdaptiveCard.ContentType;
    public const string InvokeMessageType = "application/vnd.microsoft.activity.message";

    public async Task<IResult> HandleAsync(Activity activity, CancellationToken ct)
    {
        switch (activity.Type)
        {
            case ActivityTypes.Message when TeamsCardActions.Read(activity.Value) is { } pressed:
                var (card, message) = await actions.RunAsync(pressed, ActorOf(activity), ct);
                replies.Reply(activity, card is not null ? TeamsChatSurface.CardActivity(card) : TeamsChatSurface.Text(message!));
                return Results.Ok();
            case ActivityTypes.Message:
                if (ActorOf(activity) is not { } actor)
                {
                    replies.Reply(activity, TeamsChatSurface.Text("I can't tell who you are (no Entra ID on the message), so I can't act on it."));
                    return Results.Ok();
                }
                await messages.HandleAsync(activity, actor, ct);
                return Results.Ok();
            case ActivityTypes.ConversationUpdate when activity.MembersRemoved?.Any(m => m.Id == activity.Recipient?.Id) == true:
            case ActivityTypes.InstallationUpdate when activity.Action is "remove" or "remove-upgrade":
                await RemovedAsync(activity, ct);
                return Results.Ok();
            case ActivityTypes.ConversationUpdate:
            case ActivityTypes.InstallationUpdate when activity.Action is "add" or "add-upgrade":
                await InstalledAsync(activity, ct);
                return Results.Ok();
            case ActivityTypes.Invoke when activity.Name == ActivityTypes.AdaptiveCardAction:
                return await InvokeAsync(activity, ct);
            default:
                return Results.Ok();
        }
    }

    private async Task<IResult> InvokeAsync(Activity activity, CancellationToken ct)
    {
        var action = activity.Value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("action", out var a) ? a : default;
        var data = action.ValueKind == JsonValueKind.Object && action.TryGetProperty("data", out var d) ? d : (JsonElement?)null;
        var verb = action.ValueKind == JsonValueKind.Object && action.TryGetProperty("verb", out var vb) ? vb.GetString() : null;
        var pressed = TeamsCardActions.Read(data);
        if (pressed is null || verb is null)
            return Results.Json(new InvokeResponse(400, "application/vnd.microsoft.error", new { code = "BadRequest", message = "The action has no verb or data." }), TeamsJson.Options);
        var (card, message) = await actions.RunAsync(pressed with { Verb = verb }, ActorOf(activity), ct);
        return card is not null
            ? Results.Json(new InvokeResponse(200, InvokeCardType, card), TeamsJson.Options)
            : Results.Json(new InvokeResponse(200, InvokeMessageType, message), TeamsJson.Options);
    }

    /// <summary>The bot was removed from the conversation, or the app uninstalled there: forget it, so nothing posts there again.</summary>
    private async Task RemovedAsync(Activity activity, CancellationToken ct)
    {
        if (activity.Conversation?.Id is not { } conversation) return;
        await references.RemoveAsync(TeamsChatSurface.PlatformName, conversation, By(activity), time.GetUtcNow(), ct);
        log.LogInformation("Removed from Teams conversation {Conversation} of tenant {Tenant}; its reference is forgotten", conversation, activity.TenantId);
    }

    private async Task InstalledAsync(Activity activity, CancellationToken ct)
    {
        var botId = activity.Recipient?.Id;
        var installed = activity.Type == ActivityTypes.InstallationUpdate || activity.MembersAdded?.Any(m => m.Id == botId) == true;
        if (botId is null || !installed || activity.Conversation?.Id is null || activity.ServiceUrl is null) return;
        var reference = new ConversationReference(TeamsChatSurface.PlatformName, activity.Conversation.Id, activity.ServiceUrl, activity.TenantId, botId,
            activity.Conversation.ConversationType, activity.ChannelData?.Channel?.Name ?? activity.ChannelData?.Team?.Name ?? activity.Conversation.Name, time.GetUtcNow());
        await references.SaveAsync(reference, By(activity), ct);
        log.LogInformation("Installed in Teams conversation {Conversation} ({Type}) of tenant {Tenant}", reference.ConversationId, reference.ConversationType, reference.TenantId);
        replies.Reply(activity with { Id = null }, TeamsChatSurface.Text("Hi! I run ChatAgent's agents here. Say \"help\" to see what I can do."));
    }

    /// <summary>Who installed or removed the bot, as far as the activity says; Teams itself when it names no one.</summary>
    private Actor By(Activity activity) => ActorOf(activity) ?? Actor.System;

    /// <summary>People are authorised by their Entra object id; only the unauthenticated local mode falls back to the channel id.</summary>
    private Actor? ActorOf(Activity activity)
    {
        if (activity.From?.AadObjectId is { Length: > 0 } aad) return Actor.User("teams:" + aad, activity.From.Name);
        if (!options.Value.Authenticated && activity.From?.Id is { Length: > 0 } id) return Actor.User("teams:" + id, activity.From.Name);
        return null;
    }
}

/// <summary>The body of the HTTP answer to an invoke, as Teams reads it.</summary>
public sealed record InvokeResponse(int StatusCode, string Type, object? Value);
