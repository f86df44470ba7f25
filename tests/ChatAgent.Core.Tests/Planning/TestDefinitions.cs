using ChatAgent.Core.Agents;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Planning;

/// <summary>Agents and tools built in code, so these tests don't depend on the YAML loader.</summary>
internal static class TestDefinitions
{
    public static ToolDefinition Tool(string name, ToolKind kind, string description, string schema = """{"type":"object"}""") =>
        new(name, description, kind, schema, RunnerSpec.ForBuiltin(name),
            Approval: kind == ToolKind.RequiresApproval ? new ApprovalPolicy(["group:deployers"], Quorum: 2) : null);

    public static readonly IReadOnlyList<ToolDefinition> DeployTools =
    [
        Tool("run_tests", ToolKind.Immediate, "Runs the service's test suite and returns the version under test.",
            """
            {
              "$schema": "http://json-schema.org/draft-07/schema#",
              "type": "object",
              "properties": { "service": { "type": "string" } },
              "required": ["service"]
            }
            """),
        Tool("deploy", ToolKind.RequiresApproval, "Deploys a version of a service to an environment.",
            """{"type":"object","properties":{"service":{"type":"string"},"env":{"enum":["staging","production"]},"version":{"type":"string"}},"required":["service","env","version"]}"""),
        Tool("ask_human", ToolKind.Human, "Asks the requester a question & waits for the answer."),
        Tool("done", ToolKind.Terminal, "Finishes the thread with a summary.", """{"type":"object","properties":{"summary":{"type":"string"}}}"""),
    ];

    public static AgentDefinition Agent(string name = "deploy", string promptText = "You are {{agent.name}}.", IReadOnlyList<ToolDefinition>? tools = null) =>
        new(name, "Deploys services after tests pass and people approve.", $"prompts/{name}.md", new PromptTemplate($"prompts/{name}.md", promptText),
            [.. (tools ?? DeployTools).Select(t => t.Name)], 8, new CommandGrammar("{service} to {env=staging}"), AgentTriggers.None, [], $"agents/{name}.yaml");
}
