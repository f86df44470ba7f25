namespace ChatAgent.Bot.WebChat;

/// <summary><c>POST /webchat/threads</c>: launch <see cref="Agent"/> with <see cref="Input"/> as web user <see cref="User"/> from browser session <see cref="Session"/>.</summary>
public sealed record WebLaunchRequest(string? Agent, string? Input, string? User, string? Session);

/// <summary>One agent as <c>GET /api/agents</c> shows it.</summary>
public sealed record AgentView(string Name, string Description, string Usage, string Grammar, int MaxSteps, IReadOnlyList<string> Tools, IReadOnlyList<string> Plan, IReadOnlyList<string> Slash);
