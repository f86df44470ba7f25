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

/// <summary>A schedule (Cronos syntax, 5 fields) in a time zone; posts to <see cref="Channel"/> or the platform default.</summary>
public sealed record CronTrigger(string Id, string Schedule, string TimeZone, string Input, string? Channel);

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
