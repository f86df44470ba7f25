using ChatAgent.Core.Agents;
using ChatAgent.Core.Chat;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Chat;

/// <summary>The one grammar of chat lines, against the repository's agents: each line and the exact command it is.</summary>
public sealed class ChatCommandParserTests
{
    private static readonly ChatCommandParser Parser = new(AgentCatalog.Load(RepositoryPaths.Agents));

    public static TheoryData<string, ChatCommand> Lines => new()
    {
        { "deploy api to production", new LaunchAgent("deploy", "api to production") },
        { "  Deploy   api to production  ", new LaunchAgent("deploy", "api to production") },
        { "deploy", new LaunchAgent("deploy", "") },
        { "/deploy api to production", new LaunchAgent("deploy", "api to production") },
        { "/deploy help", new LaunchAgent("deploy", "help") },
        { "/agent deploy api to production", new LaunchAgent("deploy", "api to production") },
        { "/agent", new ShowHelp() },
        { "/chatagent list", new ListAgents() },
        { "agent deploy api to production", new LaunchAgent("deploy", "api to production") },
        { "agent", new ShowHelp() },
        { "agent nosuch thing", new UnknownCommand("nosuch", "agent nosuch thing") },
        { "incident checkout is down", new LaunchAgent("incident", "checkout is down") },
        { "campaign-audience spring sale", new LaunchAgent("campaign-audience", "spring sale") },
        { "help", new ShowHelp() },
        { "HELP", new ShowHelp() },
        { "?", new ShowHelp() },
        { "", new ShowHelp() },
        { "   ", new ShowHelp() },
        { "list", new ListAgents() },
        { "pending", new ListPending() },
        { "status th_abc123", new ShowStatus("th_abc123") },
        { "status th_abc123 and more", new ShowStatus("th_abc123") },
        { "pause th_abc123", new PauseThread("th_abc123") },
        { "resume th_abc123", new ResumeThread("th_abc123", null) },
        { "resume th_abc123 deploy 1.4.2 only", new ResumeThread("th_abc123", "deploy 1.4.2 only") },
        { "resume\tth_abc123\nuse the canary", new ResumeThread("th_abc123", "use the canary") },
        { "abort th_abc123", new AbortThread("th_abc123", null) },
        { "abort th_abc123 wrong service", new AbortThread("th_abc123", "wrong service") },
        { "status", new ThreadMissing("status") },
        { "Pause", new ThreadMissing("pause") },
        { "resume ", new ThreadMissing("resume") },
        { "abort", new ThreadMissing("abort") },
        { "frobnicate everything", new UnknownCommand("frobnicate", "frobnicate everything") },
        { "/frobnicate", new ShowHelp() },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Parse_GivesTheCommandTheLineSays(string line, ChatCommand expected) =>
        Assert.Equal(expected, Parser.Parse(line));

    public static TheoryData<string, string, ChatCommand> LinesWithADefaultAgent => new()
    {
        // The first word wins over the agent picked in the web chat's list.
        { "deploy web to staging", "campaign-audience", new LaunchAgent("deploy", "web to staging") },
        { "api to production", "deploy", new LaunchAgent("deploy", "api to production") },
        { "spring sale", "Campaign-Audience", new LaunchAgent("campaign-audience", "spring sale") },
        { "help", "deploy", new ShowHelp() },
        { "status th_1", "deploy", new ShowStatus("th_1") },
        // An unknown default is passed on as is: the launch refuses it by name.
        { "x", "nosuchagent", new LaunchAgent("nosuchagent", "x") },
    };

    [Theory]
    [MemberData(nameof(LinesWithADefaultAgent))]
    public void Parse_WithADefaultAgent_SendsLinesThatNameNoAgentThere(string line, string defaultAgent, ChatCommand expected) =>
        Assert.Equal(expected, Parser.Parse(line, defaultAgent));

    [Fact]
    public void Parse_WithoutADefaultAgent_LeavesALineThatNamesNoAgentUnknown() =>
        Assert.Equal(new UnknownCommand("api", "api to production"), Parser.Parse("api to production", defaultAgent: " "));
}
