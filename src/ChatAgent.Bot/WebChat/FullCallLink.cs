namespace ChatAgent.Bot.WebChat;

/// <summary>
/// Where a person reads a tool call in full: the thread in the web chat (<c>WebChat:Url</c>, default
/// <c>http://localhost:5000</c>, then <c>/#thread=&lt;id&gt;</c>). Cards link here when a call is too large to show whole,
/// rather than clipping the parameters being approved.
/// </summary>
public sealed class FullCallLink(IConfiguration configuration)
{
    /// <summary>The largest parameters (pretty-printed characters) a card shows in full.</summary>
    public const int MaxCardParameters = 2900;

    private readonly string _base = (string.IsNullOrWhiteSpace(configuration["WebChat:Url"]) ? "http://localhost:5000" : configuration["WebChat:Url"]!).TrimEnd('/');

    public string For(string threadId) => $"{_base}/#thread={Uri.EscapeDataString(threadId)}";

    /// <summary>The sentence a card shows instead of parameters too large for it.</summary>
    public string TooLarge(string threadId, int length, string digest) =>
        $"The parameters are too large for this card ({length} characters), so none are shown rather than a part. " +
        $"Their SHA-256 digest is {digest}; the full call is in the web chat: {For(threadId)}";
}
