using ChatAgent.Core.Agents;

namespace ChatAgent.Core.Chat;

/// <summary>
/// The one parser of chat lines. Pure: the same line and catalog give the same command. The grammar, first match wins:
/// <list type="number">
/// <item><c>/&lt;word&gt; &lt;input&gt;</c>, where the word is an agent's name or slash word: that agent with the input verbatim
/// (<c>/deploy help</c> is deploy's input <c>help</c>); any other slash word (<c>/agent</c>) is the bot's own: the rest as below.</item>
/// <item>the built-ins <c>help</c> (<c>?</c>, empty), <c>list</c>, <c>pending</c>, <c>status|pause|resume|abort &lt;thread&gt; [text]</c>,
/// and <c>agent &lt;agent&gt; &lt;input&gt;</c>;</item>
/// <item><c>&lt;agent&gt; &lt;input&gt;</c>: the agent named by the first word (name or slash word, any case);</item>
/// <item>else the surface's default agent with the whole line (the web chat: the agent picked in its list), or
/// <see cref="UnknownCommand"/>.</item>
/// </list>
/// The first word wins over a default agent: <c>deploy web to staging</c> launches deploy wherever it is typed.
/// </summary>
public sealed class ChatCommandParser(IAgentCatalog catalog)
{
    private static readonly char[] Blanks = [' ', '\n', '\t', '\r'];

    /// <param name="defaultAgent">The agent a line that names none goes to; null: such a line is <see cref="UnknownCommand"/>.</param>
    public ChatCommand Parse(string? line, string? defaultAgent = null)
    {
        var text = (line ?? "").Trim();
        if (!text.StartsWith('/')) return ParseWords(text, defaultAgent);
        var (word, rest) = Split(text[1..]);
        // Any other slash word is the bot's own command, whatever it was registered as in Slack (by default /agent).
        return !string.Equals(word, "agent", StringComparison.OrdinalIgnoreCase) && FindAgent(word) is { } agent
            ? new LaunchAgent(agent.Name, rest)
            : ParseWords(rest, null);
    }

    /// <summary>The agent a word names: its name (exact, then any case) or one of its slash words; null for none.</summary>
    public AgentDefinition? FindAgent(string word) =>
        word.Length == 0 ? null
            : catalog.FindAgent(word)
              ?? catalog.Agents.FirstOrDefault(a => string.Equals(a.Name, word, StringComparison.OrdinalIgnoreCase))
              ?? catalog.Agents.FirstOrDefault(a => a.Triggers.Slash.Contains(word, StringComparer.OrdinalIgnoreCase));

    private ChatCommand ParseWords(string text, string? defaultAgent)
    {
        var (word, rest) = Split(text);
        var (thread, tail) = Split(rest);
        var verb = word.ToLowerInvariant();
        switch (verb)
        {
            case "" or "help" or "?":
                return new ShowHelp();
            case "list":
                return new ListAgents();
            case "pending":
                return new ListPending();
            case "grants":
                return new ListGrants();
            case "revoke":
                return new RevokeGrant(thread, tail.Length == 0 ? null : tail);
            case "status" or "pause" or "resume" or "abort" when thread.Length == 0:
                return new ThreadMissing(verb);
            case "status":
                return new ShowStatus(thread);
            case "pause":
                return new PauseThread(thread);
            case "resume":
                return new ResumeThread(thread, tail.Length == 0 ? null : tail);
            case "abort":
                return new AbortThread(thread, tail.Length == 0 ? null : tail);
            case "agent" when thread.Length == 0:
                return new ShowHelp();
            case "agent":
                return FindAgent(thread) is { } named ? new LaunchAgent(named.Name, tail) : new UnknownCommand(thread, text);
        }
        if (FindAgent(word) is { } agent) return new LaunchAgent(agent.Name, rest);
        if (!string.IsNullOrWhiteSpace(defaultAgent)) return new LaunchAgent(FindAgent(defaultAgent.Trim())?.Name ?? defaultAgent.Trim(), text);
        return new UnknownCommand(word, text);
    }

    private static (string Word, string Remainder) Split(string text)
    {
        var trimmed = text.Trim();
        var blank = trimmed.IndexOfAny(Blanks);
        return blank < 0 ? (trimmed, "") : (trimmed[..blank], trimmed[(blank + 1)..].Trim());
    }
}
