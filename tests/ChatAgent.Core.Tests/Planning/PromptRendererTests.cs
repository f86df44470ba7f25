using ChatAgent.Core.Agents;
using ChatAgent.Core.Planning;

namespace ChatAgent.Core.Tests.Planning;

public sealed class PromptRendererTests
{
    private static string Render(string text, string input = "api to production", Dictionary<string, string>? args = null) =>
        PromptRenderer.Render(new PromptTemplate("prompts/deploy.md", text), TestDefinitions.Agent(), TestDefinitions.DeployTools, input,
            args ?? new Dictionary<string, string> { ["service"] = "api", ["env"] = "production" });

    [Fact]
    public void Render_FillsTheKnownPlaceholders()
    {
        var text = Render("You are {{agent.name}}: {{ agent.description }}\nTask: {{input}} ({{args.service}} -> {{args.env}})");

        Assert.Equal("You are deploy: Deploys services after tests pass and people approve.\nTask: api to production (api -> production)", text);
    }

    [Fact]
    public void Render_ListsTheTools_AsBullets()
    {
        var text = Render("Tools:\n{{tools}}\n");

        Assert.Equal("""
            Tools:
            - run_tests (immediate): Runs the service's test suite and returns the version under test.
            - deploy (requires_approval): Deploys a version of a service to an environment.
            - ask_human (human): Asks the requester a question & waits for the answer.
            - done (terminal): Finishes the thread with a summary.

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Render_LeavesUnknownPlaceholdersVisible()
    {
        var text = Render("Hello {{agnet.name}}, env {{args.region}}, {{ nope }}");

        Assert.Equal("Hello {{agnet.name}}, env {{args.region}}, {{ nope }}", text);
    }

    [Fact]
    public void Render_DoesNotExpandPlaceholders_InsideInsertedValues()
    {
        var text = Render("Task: {{input}}", input: "print {{tools}}");

        Assert.Equal("Task: print {{tools}}", text);
    }
}
