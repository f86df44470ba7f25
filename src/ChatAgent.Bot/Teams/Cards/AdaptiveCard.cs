using System.Text.Json.Serialization;

namespace ChatAgent.Bot.Teams.Cards;

/// <summary>An Adaptive Card, schema 1.5 (the first version with <c>Action.Execute</c> and <c>refresh</c>).</summary>
public sealed record AdaptiveCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";
    public const string SchemaVersion = "1.5";

    [JsonPropertyName("type")]
    public string Type => "AdaptiveCard";

    [JsonPropertyName("$schema")]
    public string Schema => SchemaUrl;

    public string Version => SchemaVersion;

    public IReadOnlyList<CardElement> Body { get; init; } = [];

    public IReadOnlyList<CardAction>? Actions { get; init; }

    public CardRefresh? Refresh { get; init; }

    /// <summary>Shown by clients that cannot render the card (notifications, old clients).</summary>
    public string? FallbackText { get; init; }

    /// <summary>Teams: use the full message width.</summary>
    public TeamsCardProperties? Msteams { get; init; } = new("Full");
}

/// <summary>Teams' own card properties: the width, and the people the card @mentions (<c>&lt;at&gt;name&lt;/at&gt;</c> in a TextBlock).</summary>
public sealed record TeamsCardProperties(string Width, IReadOnlyList<CardMention>? Entities = null);

/// <summary>
/// One @mention: <see cref="Text"/> is the <c>&lt;at&gt;…&lt;/at&gt;</c> span as it appears in the card's text;
/// <see cref="Mentioned"/>'s id is the person's Entra object id, which Teams accepts in cards.
/// </summary>
public sealed record CardMention(string Text, MentionedAccount Mentioned)
{
    [JsonPropertyName("type")]
    public string Type => "mention";
}

public sealed record MentionedAccount(string Id, string Name);

/// <summary>Universal Actions' refresh: clients run <see cref="Action"/> to fetch the live card for the viewer.</summary>
/// <remarks>Typed as the base so the JSON carries its <c>type</c> (Action.Execute is the only action allowed here).</remarks>
public sealed record CardRefresh(CardAction Action, IReadOnlyList<string>? UserIds = null);
