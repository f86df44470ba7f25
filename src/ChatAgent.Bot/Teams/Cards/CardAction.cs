using System.Text.Json.Serialization;

namespace ChatAgent.Bot.Teams.Cards;

/// <summary>The card actions this bot uses; the JSON <c>type</c> is the Adaptive Cards action name.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ActionExecute), "Action.Execute")]
[JsonDerivedType(typeof(ActionSubmit), "Action.Submit")]
[JsonDerivedType(typeof(ActionOpenUrl), "Action.OpenUrl")]
public abstract record CardAction
{
    public string? Title { get; init; }
    public string? Style { get; init; }
}

/// <summary>
/// Universal Actions: Teams sends an <c>adaptiveCard/action</c> invoke with <see cref="Verb"/> and <see cref="Data"/>
/// (plus the values of the card's inputs). Old clients use <see cref="Fallback"/>, an <see cref="ActionSubmit"/>.
/// </summary>
public sealed record ActionExecute(string Verb, CardActionData Data) : CardAction
{
    public CardAction? Fallback { get; init; }
}

/// <summary>Sends a message activity whose <c>value</c> is <see cref="Data"/> plus the card's input values.</summary>
public sealed record ActionSubmit(CardActionData Data) : CardAction;

public sealed record ActionOpenUrl(string Url) : CardAction;

/// <summary>What a button carries back to the bot; the same for Action.Execute and its Action.Submit fallback.</summary>
public sealed record CardActionData(string Verb, string ThreadId, string? ApprovalId = null);
