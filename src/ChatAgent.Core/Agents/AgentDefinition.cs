using System.Text.Json;

namespace ChatAgent.Core.Agents;

/// <summary>
/// A declarative agent (factors 2, 10), loaded from <c>agents/&lt;name&gt;.yaml</c>: its prompt, the tools it
/// may use, its step budget (3–20), its triggers and the plan the offline planner follows.
/// </summary>
public sealed record AgentDefinition(
    string Name,
    string Description,
    string PromptFile,
    PromptTemplate Prompt,
    IReadOnlyList<string> Tools,
    int MaxSteps,
    CommandGrammar Command,
    AgentTriggers Triggers,
    IReadOnlyList<PlanStep> Plan,
    string SourceFile)
{
    /// <summary>Set when this launchable "agent" is a workflow: the loop runs it with the workflow runner, not a planner.</summary>
    public Workflows.WorkflowDefinition? Workflow { get; init; }

    /// <summary>
    /// The input a launch without arguments runs with (<c>default_input</c>), so <c>/agent daily-summary</c> alone runs
    /// the summary now instead of answering with a usage line. Null: a launch must fit <see cref="Command"/>.
    /// </summary>
    public string? DefaultInput { get; init; }

    /// <summary>Which of the thread's own messages the agent posts (<c>messages: {status, final}</c>); both by default.</summary>
    public AgentMessages Messages { get; init; } = AgentMessages.All;
}

/// <summary>
/// The messages a thread posts about itself besides what its tools post: a <see cref="Status"/> line edited as it
/// moves on, and a <see cref="Final"/> message with its summary. An agent whose whole output is one post (the daily
/// summary) turns both off, so a channel gets one message per run. A failure is always posted.
/// </summary>
public sealed record AgentMessages(bool Status, bool Final)
{
    public static readonly AgentMessages All = new(true, true);

    /// <summary>
    /// False for an event that queues a message this agent does not post: its status line, or its final message
    /// unless the thread failed (<paramref name="failing"/>). Every other event, and every other message, is kept.
    /// </summary>
    public bool Keeps(Events.ThreadEvent e, bool failing = false) => e switch
    {
        Events.MessageQueued { MessageKey: Runtime.MessageKeys.Status } => Status,
        Events.MessageQueued { MessageKey: Runtime.MessageKeys.Final } => Final || failing,
        _ => true,
    };
}

/// <summary>What can launch an agent besides the REST API and the web chat.</summary>
public sealed record AgentTriggers(
    IReadOnlyList<string> Slash,
    IReadOnlyList<WebhookTrigger> Webhooks,
    IReadOnlyList<CronTrigger> Cron)
{
    public static readonly AgentTriggers None = new([], [], []);
}

/// <summary>
/// Launches the agent from <c>POST /webhooks/{Name}</c> when every <see cref="When"/> path (dotted, into the JSON
/// payload) equals its value; <see cref="Input"/> is a template over the payload (<c>{{payload.pull_request.title}}</c>).
/// </summary>
public sealed record WebhookTrigger(string Name, string Input, IReadOnlyDictionary<string, string> When);

/// <summary>
/// A schedule (Cronos syntax, 5 fields) in a time zone; posts to each of <see cref="Channels"/>
/// (<c>slack:C123</c>, <c>teams:&lt;conversation&gt;</c>), or to every configured platform default when it names none.
/// </summary>
public sealed record CronTrigger(string Id, string Schedule, string TimeZone, string Input, IReadOnlyList<string> Channels);

/// <summary>
/// One step of the agent's plan: a tool and parameter templates (<c>{{args.service}}</c>,
/// <c>{{results.run_tests.version}}</c>, <c>{{input}}</c>). Skipped unless every <see cref="When"/> template renders to its value.
/// </summary>
public sealed record PlanStep(string Tool, JsonElement Parameters, IReadOnlyDictionary<string, string> When, string? Reason)
{
    /// <summary>
    /// The Understand turn: when any of these conditions holds, the input is ambiguous and the offline planner asks
    /// <see cref="Question"/> (<c>ask_human</c>) before this step. The answer is then read as argument
    /// <see cref="AnswerSets"/> (when set) for this and later steps, and is available as <c>results.ask_human.answer</c>.
    /// </summary>
    public IReadOnlyList<AskCondition> AskIf { get; init; } = [];

    public string? Question { get; init; }

    public string? AnswerSets { get; init; }
}

/// <summary>
/// A condition over a template (<c>{{args.env}}</c>): holds when the rendered text (empty when the placeholder has no value)
/// equals <see cref="EqualsText"/>, or, with <see cref="NotIn"/>, is none of the listed values (case-insensitive).
/// </summary>
public sealed record AskCondition(string Template, string? EqualsText, IReadOnlyList<string>? NotIn);
