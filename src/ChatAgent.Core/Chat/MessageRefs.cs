namespace ChatAgent.Core.Chat;

/// <summary>What the chat surfaces put in <see cref="Events.MessagePosted.Ref"/> besides a platform's own reference.</summary>
public static class MessageRefs
{
    /// <summary>
    /// The platform would not take the message (<c>refused:&lt;reason&gt;|…</c>): recorded as delivered so it is not retried,
    /// and never a place a reply can come from.
    /// </summary>
    public const string RefusedPrefix = "refused:";
}
