namespace ChatAgent.Core.Tools;

/// <summary>
/// The tools every agent may use without a catalog entry. <c>tools.yaml</c> may list one of these names to
/// override its description, timeout or approval policy; its kind, schema and runner stay as defined here.
/// </summary>
public static class BuiltinTools
{
    public const string PostMessage = "post_message";
    public const string AskHuman = "ask_human";
    public const string RequestApproval = "request_approval";
    public const string SummarizeThreads = "summarize_threads";
    public const string Done = "done";

    public static IReadOnlyDictionary<string, ToolDefinition> All { get; } = new Dictionary<string, ToolDefinition>(StringComparer.Ordinal)
    {
        [PostMessage] = Define(PostMessage, "Post a message to the thread's channel, or to another channel.", ToolKind.Immediate,
            """{"type":"object","properties":{"text":{"type":"string","minLength":1,"maxLength":4000},"channel":{"type":"string","minLength":1}},"required":["text"],"additionalProperties":false}"""),
        [AskHuman] = Define(AskHuman, "Ask the requester a question and wait for the free-text answer.", ToolKind.Human,
            """{"type":"object","properties":{"question":{"type":"string","minLength":1,"maxLength":2000}},"required":["question"],"additionalProperties":false}"""),
        [RequestApproval] = Define(RequestApproval, "Ask people to approve an action before going on; it has no effect of its own.", ToolKind.RequiresApproval,
            """{"type":"object","properties":{"action":{"type":"string","minLength":1},"reason":{"type":"string","minLength":1}},"required":["action","reason"],"additionalProperties":false}""",
            ApprovalPolicy.Default),
        [SummarizeThreads] = Define(SummarizeThreads, "Count the threads updated in the last hours by status and agent.", ToolKind.Immediate,
            """{"type":"object","properties":{"since_hours":{"type":"integer","minimum":1,"maximum":720}},"additionalProperties":false}""",
            idempotent: true),
        [Done] = Define(Done, "Finish the thread with a short summary of what happened and, optionally, a structured result (what a workflow's next step reads).", ToolKind.Terminal,
            """{"type":"object","properties":{"summary":{"type":"string","minLength":1,"maxLength":4000},"result":{"type":"object"}},"required":["summary"],"additionalProperties":false}"""),
    };

    public static bool IsBuiltin(string name) => All.ContainsKey(name);

    private static ToolDefinition Define(string name, string description, ToolKind kind, string schema, ApprovalPolicy? approval = null, bool idempotent = false) =>
        new(name, description, kind, schema, RunnerSpec.ForBuiltin(name), idempotent, approval);
}
