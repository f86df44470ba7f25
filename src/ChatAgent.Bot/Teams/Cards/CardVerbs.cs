namespace ChatAgent.Bot.Teams.Cards;

/// <summary>The verbs of this bot's card actions (constants: they travel in cards already posted).</summary>
public static class CardVerbs
{
    public const string Approve = "approve";
    public const string Deny = "deny";
    public const string Refresh = "refreshCard";
    public const string Retry = "retry";
    public const string Abort = "abort";

    /// <summary>Approve, and allow later calls like it for the policy's offer (a standing grant).</summary>
    public const string ApproveAndAllow = "approve_allow";

    /// <summary>Approve the call as edited in the card's parameter inputs.</summary>
    public const string ApproveEdited = "approve_edited";

    /// <summary>The prefix of a parameter input's id on approval cards: <c>param.version</c>.</summary>
    public const string ParameterInputPrefix = "param.";

    /// <summary>The id of the comment input on approval cards.</summary>
    public const string CommentInput = "comment";

    /// <summary>The id of the hint input on the stuck card.</summary>
    public const string HintInput = "hint";
}
