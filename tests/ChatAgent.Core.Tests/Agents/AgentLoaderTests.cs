using ChatAgent.Core.Agents;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Agents;

public sealed class AgentLoaderTests : IDisposable
{
    private const string ValidTools = """
        tools:
          check:
            description: A harmless check.
            kind: immediate
            idempotent: true
            parameters:
              type: object
              properties:
                service: {type: string, pattern: "^[a-z]+$"}
            runner: {shell: scripts/check.sh}
            timeout: 10s
        """;

    private const string ValidAgent = """
        name: alpha
        description: A test agent.
        prompt: prompts/alpha.md
        tools: [check, done]
        max_steps: 5
        command: "{service}"
        triggers:
          slash: [alpha]
        plan:
          - tool: check
            parameters: {service: "{{args.service}}"}
          - tool: done
            parameters: {summary: "checked {{args.service}}"}
        """;

    private readonly TempDirectory _dir = new();

    public AgentLoaderTests()
    {
        _dir.Write("prompts/alpha.md", "You are {{agent.name}}.");
        _dir.Write("scripts/check.sh", "echo '{}'\n");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ShippedAgentsFolder_LoadsCleanly()
    {
        var catalog = AgentCatalog.Load(RepositoryPaths.Agents);

        Assert.Equal(["campaign-audience", "campaign-content", "campaign-delivery", "campaign-report", "daily-summary", "deploy", "incident", "release-notify", "release-test"],
            catalog.Agents.Select(a => a.Name));
        var deploy = catalog.FindAgent("deploy")!;
        Assert.Equal("{service} to {env=staging}", deploy.Command.Pattern);
        Assert.Equal(["deploy"], deploy.Triggers.Slash);
        Assert.Equal("github", Assert.Single(deploy.Triggers.Webhooks).Name);
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production", "done"], deploy.Plan.Select(p => p.Tool));
        Assert.Equal("env", deploy.Plan[0].AnswerSets);
        var production = catalog.FindTool("deploy_to_production")!;
        Assert.Equal(ToolKind.RequiresApproval, production.Kind);
        Assert.Equal(["group:deployers"], production.Approval!.Approvers);
        Assert.Equal(TimeSpan.FromHours(1), production.Approval.ExpiresAfter);
        Assert.Equal(TimeSpan.FromMinutes(15), production.Approval.RemindAfter);
        Assert.Equal(TimeSpan.FromMinutes(30), production.Approval.EscalateAfter);
        Assert.Equal(["group:sre-leads"], production.Approval.EscalateTo);
        Assert.True(production.Approval.Confirm);
        var summary = catalog.FindAgent("daily-summary")!;
        var cron = Assert.Single(summary.Triggers.Cron);
        Assert.Equal(("0 9 * * 1-5", "UTC"), (cron.Schedule, cron.TimeZone));
        Assert.Empty(cron.Channels);
        Assert.Equal("Summarize the last 24 hours.", summary.DefaultInput);
        Assert.Equal(new AgentMessages(Status: false, Final: false), summary.Messages);
        Assert.Equal(AgentMessages.All, deploy.Messages);
        Assert.Null(deploy.DefaultInput);
    }

    [Fact]
    public void ValidFolder_LoadsAgentToolsAndBuiltins()
    {
        WriteValid();

        var catalog = AgentCatalog.Load(_dir.Path);

        var alpha = catalog.FindAgent("alpha")!;
        Assert.Equal(5, alpha.MaxSteps);
        Assert.Equal("You are {{agent.name}}.", alpha.Prompt.Text);
        Assert.True(catalog.FindTool("check")!.Idempotent);
        Assert.Equal(TimeSpan.FromSeconds(10), catalog.FindTool("check")!.Runner.Timeout);
        Assert.Equal(ToolKind.Terminal, catalog.FindTool("done")!.Kind);
    }

    [Fact]
    public void YamlSyntaxError_NamesFileAndLine()
    {
        _dir.Write("tools.yaml", ValidTools);
        _dir.Write("alpha.yaml", "name: alpha\ndescription: [unclosed\nprompt: prompts/alpha.md\n");

        AssertProblem("alpha.yaml:2:", "YAML syntax error");
    }

    [Fact]
    public void UnknownKey_IsReportedAsTypo()
    {
        WriteValid(agent: ValidAgent.Replace("max_steps: 5", "max_step: 5"));

        AssertProblem("alpha.yaml:5:", "unknown key 'max_step'");
    }

    [Fact]
    public void UnknownTool_InToolsList_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("tools: [check, done]", "tools: [check, done, chek]"));

        AssertProblem("alpha.yaml:4:", "unknown tool 'chek'");
    }

    [Fact]
    public void UnknownTool_InPlan_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("  - tool: done", "  - tool: finish"));

        AssertProblem("alpha.yaml:12:", "plan uses unknown tool 'finish'");
    }

    [Fact]
    public void PlanToolNotListedByTheAgent_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("  - tool: done", "  - tool: post_message"));

        AssertProblem("alpha.yaml:12:", "not in the agent's tools");
    }

    [Fact]
    public void UnknownPlaceholderInPlan_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("{{args.service}}\"}", "{{args.servce}}\"}"));

        AssertProblem("alpha.yaml:10:", "args.servce");
    }

    [Fact]
    public void BadJsonSchema_IsReported()
    {
        WriteValid(tools: ValidTools.Replace("type: string, pattern", "type: strnig, pattern"));

        AssertProblem("tools.yaml:7:", "tool 'check': parameters is not a valid JSON Schema: parameters.properties.service.type is 'strnig': not one of array, boolean, integer, null, number, object, string");
    }

    /// <summary>Checked against the JSON Schema draft-07 meta-schema (NJsonSchema); each message names the place and what is wrong.</summary>
    [Theory]
    [InlineData("service: {type: string, pattern: \"^[a-z]+$\"}", "service: {type: [string, strnig]}", "parameters.properties.service.type[1] is 'strnig': not one of array, boolean, integer, null, number, object, string")]
    [InlineData("service: {type: string, pattern: \"^[a-z]+$\"}", "service: {type: string, minLength: -1}", "parameters.properties.service.minLength is -1: must not be negative")]
    [InlineData("service: {type: string, pattern: \"^[a-z]+$\"}", "service: {type: string, maxLength: ten}", "parameters.properties.service.maxLength is 'ten': must be a whole number")]
    [InlineData("service: {type: string, pattern: \"^[a-z]+$\"}", "service: {type: string, enum: api}", "parameters.properties.service.enum is 'api': must be a list")]
    [InlineData("service: {type: string, pattern: \"^[a-z]+$\"}", "service: {type: string}\n      required: service", "parameters.required is 'service': must be a list")]
    [InlineData("service: {type: string, pattern: \"^[a-z]+$\"}", "service: {type: string}\n      required: [service, service]", "parameters.required is [\"service\",\"service\"]: must not repeat an entry")]
    [InlineData("service: {type: string, pattern: \"^[a-z]+$\"}", "service: {type: string, pattern: \"([a-z\"}", "parameters.properties.service.pattern is not a valid regular expression")]
    [InlineData("service: {type: string, pattern: \"^[a-z]+$\"}", "service: {anyOf: {type: string}}", "parameters.properties.service.anyOf is {\"type\":\"string\"}: must be a list")]
    public void SchemasThatAreNotJsonSchemas_AreReported_WithWhereAndWhat(string valid, string broken, string problem)
    {
        WriteValid(tools: ValidTools.Replace(valid, broken));

        AssertProblem("tools.yaml:7:", $"tool 'check': parameters is not a valid JSON Schema: {problem}");
    }

    [Fact]
    public void ARichValidSchema_Loads()
    {
        WriteValid(tools: ValidTools.Replace("service: {type: string, pattern: \"^[a-z]+$\"}", """
            service: {type: string, pattern: "^[a-z]+$", minLength: 1, maxLength: 20, enum: [api, web]}
                    replicas: {type: [integer, "null"], minimum: 0, maximum: 10}
                    tags: {type: array, items: {type: string}, uniqueItems: true, minItems: 0}
                    target: {anyOf: [{type: string}, {type: object, properties: {host: {type: string}}, additionalProperties: false}]}
                  required: [service]
                  additionalProperties: false
            """));

        var catalog = AgentCatalog.Load(_dir.Path);

        Assert.Contains("\"additionalProperties\":false", catalog.FindTool("check")!.ParametersSchema);
    }

    [Fact]
    public void SchemaThatIsNotAnObject_IsReported()
    {
        WriteValid(tools: ValidTools.Replace("type: object", "type: array"));

        AssertProblem("tools.yaml:7:", "type: object");
    }

    [Theory]
    [InlineData("0 25 * * *", "cron '0 25 * * *' is invalid: Hours: Value must be a number between 0 and 23")]
    [InlineData("0 9 * *", "cron '0 9 * *' must have 5 fields")]
    [InlineData("0 9 * * 8", "cron '0 9 * * 8' is invalid: Days of week: Value must be a number between 0 and 7")]
    public void BadCron_IsReported(string schedule, string expected)
    {
        WriteValid(agent: ValidAgent.Replace("  slash: [alpha]", $"  cron:\n    - schedule: \"{schedule}\""));

        AssertProblem("alpha.yaml:9:", expected);
    }

    [Fact]
    public void CronChannels_ListEveryPlaceToPost_AChannelKeyComingFirst()
    {
        WriteValid(agent: ValidAgent.Replace("  slash: [alpha]",
            "  cron:\n    - schedule: \"0 9 * * 1-5\"\n      channel: slack:C1\n      channels: [\"teams:19:abc@thread.v2\", slack:C1]"));

        var cron = Assert.Single(AgentCatalog.Load(_dir.Path).FindAgent("alpha")!.Triggers.Cron);

        Assert.Equal(["slack:C1", "teams:19:abc@thread.v2"], cron.Channels);
    }

    [Fact]
    public void DefaultInputThatDoesNotFitTheGrammar_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("command: \"{service}\"", "command: \"{service} now\"\ndefault_input: api later"));

        AssertProblem("alpha.yaml:7:", "default_input 'api later' does not fit the command grammar '{service} now'");
    }

    [Fact]
    public void MessagesThatAreNotTrueOrFalse_AreReported()
    {
        WriteValid(agent: ValidAgent.Replace("max_steps: 5", "max_steps: 5\nmessages: {status: sometimes}"));

        AssertProblem("alpha.yaml:6:", "'status' must be true or false");
    }

    [Fact]
    public void UnknownTimeZone_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("  slash: [alpha]", "  cron:\n    - schedule: \"0 9 * * 1-5\"\n      time_zone: Mars/Olympus"));

        AssertProblem("alpha.yaml:10:", "unknown time zone 'Mars/Olympus'");
    }

    [Fact]
    public void MissingPromptFile_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("prompts/alpha.md", "prompts/missing.md"));

        AssertProblem("alpha.yaml:3:", "prompt file 'prompts/missing.md' does not exist");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(21)]
    public void MaxStepsOutsideThreeToTwenty_IsReported(int maxSteps)
    {
        WriteValid(agent: ValidAgent.Replace("max_steps: 5", $"max_steps: {maxSteps}"));

        AssertProblem("alpha.yaml:5:", "max_steps must be between 3 and 20");
    }

    [Fact]
    public void RequiresApprovalToolWithoutPolicy_IsReported()
    {
        WriteValid(tools: ValidTools.Replace("kind: immediate", "kind: requires_approval"));

        AssertProblem("tools.yaml:3:", "tool 'check' is requires_approval but has no approval policy");
    }

    [Fact]
    public void DuplicateAgentNames_AreReported()
    {
        WriteValid();
        _dir.Write("beta.yaml", ValidAgent.Replace("slash: [alpha]", "slash: [beta]"));

        AssertProblem("beta.yaml", "duplicate agent name 'alpha' (already used in alpha.yaml)");
    }

    [Fact]
    public void DuplicateSlashWords_AreReported()
    {
        WriteValid();
        _dir.Write("beta.yaml", ValidAgent.Replace("name: alpha", "name: beta"));

        AssertProblem("beta.yaml", "duplicate slash word 'alpha' (already used in alpha.yaml)");
    }

    [Theory]
    [InlineData("../outside.sh", "must lie under the agents folder's scripts/ folder")]
    [InlineData("prompts/alpha.md", "must lie under the agents folder's scripts/ folder")]
    [InlineData("scripts/missing.sh", "does not exist")]
    public void ShellScriptOutsideScriptsOrMissing_IsReported(string script, string expected)
    {
        _dir.Write("../outside.sh", "echo hi\n");
        WriteValid(tools: ValidTools.Replace("scripts/check.sh", script));

        AssertProblem("tools.yaml:10:", expected);
    }

    [Fact]
    public void BadCommandGrammar_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("command: \"{service}\"", "command: \"{service to\""));

        AssertProblem("alpha.yaml:6:", "bad command grammar");
    }

    [Fact]
    public void WebhookInputReadingAnythingButThePayload_IsReported()
    {
        WriteValid(agent: ValidAgent.Replace("  slash: [alpha]", "  webhooks:\n    - name: github\n      input: \"{{args.service}}\""));

        AssertProblem("alpha.yaml:10:", "webhook input can only read the payload");
    }

    [Fact]
    public void BuiltinTool_CanBeOverriddenInTheCatalog_ButNotItsKind()
    {
        WriteValid(tools: ValidTools + """

              request_approval:
                description: Ask a lead.
                approval: {approvers: [group:leads], expires_after: 2h}
            """);
        var catalog = AgentCatalog.Load(_dir.Path);

        var gate = catalog.FindTool("request_approval")!;
        Assert.Equal(("Ask a lead.", ToolKind.RequiresApproval), (gate.Description, gate.Kind));
        Assert.Equal(["group:leads"], gate.Approval!.Approvers);
        Assert.Equal(TimeSpan.FromHours(2), gate.Approval.ExpiresAfter);

        _dir.Write("tools.yaml", ValidTools + "\n  done:\n    kind: immediate\n");
        AssertProblem("tools.yaml:13:", "tool 'done' is built in; its 'kind' cannot be changed");
    }

    [Fact]
    public void EveryProblem_IsReportedInOneException()
    {
        WriteValid(
            tools: ValidTools.Replace("kind: immediate", "kind: sometimes"),
            agent: ValidAgent.Replace("max_steps: 5", "max_steps: 50").Replace("prompts/alpha.md", "prompts/nope.md"));

        var ex = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(_dir.Path));

        Assert.Contains(ex.Problems, p => p.StartsWith("tools.yaml:4:") && p.Contains("unknown kind 'sometimes'"));
        Assert.Contains(ex.Problems, p => p.StartsWith("alpha.yaml:3:") && p.Contains("prompts/nope.md"));
        Assert.Contains(ex.Problems, p => p.StartsWith("alpha.yaml:5:") && p.Contains("max_steps"));
        Assert.Contains("3 problem(s)", ex.Message);
    }

    private void WriteValid(string tools = ValidTools, string agent = ValidAgent)
    {
        _dir.Write("tools.yaml", tools);
        _dir.Write("alpha.yaml", agent);
    }

    private void AssertProblem(string location, string text)
    {
        var ex = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(_dir.Path));
        Assert.True(ex.Problems.Any(p => p.StartsWith(location, StringComparison.Ordinal) && p.Contains(text, StringComparison.Ordinal)),
            $"expected a problem at '{location}' containing '{text}', got:{Environment.NewLine}{ex.Message}");
    }
}
