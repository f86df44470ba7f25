using ChatAgent.Core.Chat;

namespace ChatAgent.Bot.WebChat;

/// <summary>
/// <c>POST /webchat/commands</c>: one line of the chat command language typed by web user <see cref="User"/> in browser
/// session <see cref="Session"/>. <see cref="Agent"/> is the agent picked in the page's list: the default for a line
/// that names no agent (a line that does name one launches that one).
/// </summary>
public sealed record WebCommandRequest(string? Line, string? User, string? Session, string? Agent = null);

/// <summary>
/// The answer to a web chat line, as a chat answers: <see cref="Kind"/> <c>launched</c> (with <see cref="ThreadId"/>),
/// <c>steered</c> (paused, resumed, aborted: <see cref="ThreadId"/>), <c>pending</c> (one line per approval in
/// <see cref="Lines"/>), <c>answer</c> (help, list, status), or <c>refused</c> with the reason's <see cref="Code"/>
/// (<c>input.usage</c>, <c>command.unknown</c>, <c>thread.not_allowed</c>, …). Only a request the box cannot take at all
/// (no name, a name not granted, a line over the limit) is an HTTP error.
/// </summary>
public sealed record WebChatReply(string Kind, string Text, string? ThreadId = null, IReadOnlyList<string>? Lines = null, string? Code = null)
{
    public static WebChatReply From(ChatReply reply) => reply switch
    {
        CommandRefused r => new("refused", r.Text, Code: r.Code),
        ThreadLaunched l => new("launched", l.Text, l.ThreadId),
        ThreadSteered s => new("steered", s.Text, s.ThreadId),
        ApprovalsPending p => new("pending", p.Text, Lines: [.. p.Items.Select(i => i.Line)]),
        QuestionAnswered q => new("answered", q.Text, q.ThreadId),
        _ => new("answer", reply.Text),
    };
}

/// <summary>One agent as <c>GET /api/agents</c> shows it.</summary>
public sealed record AgentView(string Name, string Description, string Usage, string Grammar, int MaxSteps, IReadOnlyList<string> Tools, IReadOnlyList<string> Plan, IReadOnlyList<string> Slash);
