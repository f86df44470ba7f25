namespace ChatAgent.Core.Chat;

/// <summary>
/// One line of the chat command language, parsed once by <see cref="ChatCommandParser"/> and the same on every
/// surface (Slack, Teams, the web chat). A closed family: the records are kept together in this file so the whole
/// language reads in one place; <see cref="ChatCommandRunner"/> has one arm per record and throws on any other.
/// </summary>
public abstract record ChatCommand;

/// <summary><c>deploy api to production</c>, <c>/deploy api to production</c>, <c>/agent deploy …</c>, <c>agent deploy …</c>.</summary>
/// <param name="Agent">The agent's name as the catalog knows it (or, for a surface's default agent, as the surface gave it).</param>
/// <param name="Input">The arguments, for the agent's command grammar.</param>
public sealed record LaunchAgent(string Agent, string Input) : ChatCommand;

/// <summary><c>help</c>, <c>?</c> or an empty line: the usage of every agent and of the built-ins.</summary>
public sealed record ShowHelp : ChatCommand;

/// <summary><c>list</c>: the agents with their descriptions.</summary>
public sealed record ListAgents : ChatCommand;

/// <summary><c>pending</c>: the approvals the person asking may decide now.</summary>
public sealed record ListPending : ChatCommand;

/// <summary><c>grants</c>: the standing grants that are live now.</summary>
public sealed record ListGrants : ChatCommand;

/// <summary><c>revoke &lt;grant&gt; [reason]</c>: the grant covers no call from now on (empty id: the usage).</summary>
public sealed record RevokeGrant(string GrantId, string? Reason) : ChatCommand;

/// <summary><c>status &lt;thread&gt;</c>.</summary>
public sealed record ShowStatus(string ThreadId) : ChatCommand;

/// <summary><c>pause &lt;thread&gt;</c>.</summary>
public sealed record PauseThread(string ThreadId) : ChatCommand;

/// <summary><c>resume &lt;thread&gt; [feedback]</c>: the feedback goes to the model at its next decision.</summary>
public sealed record ResumeThread(string ThreadId, string? Feedback) : ChatCommand;

/// <summary><c>abort &lt;thread&gt; [reason]</c>: ends the thread for good.</summary>
public sealed record AbortThread(string ThreadId, string? Reason) : ChatCommand;

/// <summary>A thread command (<c>status</c>, <c>pause</c>, <c>resume</c>, <c>abort</c>) without the thread it is about.</summary>
public sealed record ThreadMissing(string Verb) : ChatCommand;

/// <summary>A line whose first word is neither a built-in nor an agent (and no default agent was given).</summary>
/// <param name="Word">The word not understood, as typed.</param>
/// <param name="Line">The whole line: on Teams it may be the answer to a question pending in the conversation.</param>
public sealed record UnknownCommand(string Word, string Line) : ChatCommand;
