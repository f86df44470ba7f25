using System.Text.RegularExpressions;
using ChatAgent.TestSupport;

namespace ChatAgent.Jobs.Tests.Startup;

/// <summary>The real bot process, configured as an operator would, fails closed before it listens.</summary>
public sealed class ExposedModeProcessTests
{
    [Fact]
    public async Task ExposedWithAnEmptyApproverGroup_ExitsNonZero_BeforeListening_NamingAgentToolAndGroup()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BotProcess.StartAsync(connectionString, data.Path, new Dictionary<string, string>
        {
            ["Slack__SigningSecret"] = "process-test-signing-secret",
            ["Slack__BotToken"] = "xoxb-process-test",
            ["Slack__ApiBaseUrl"] = "http://127.0.0.1:9/api/",
            ["Approvals__Groups__sre-leads__0"] = "slack:USRE",
        }));

        // BotProcess reports an exit before /readyz ever answered: the process never served a request.
        var exit = Regex.Match(error.Message, @"^The bot exited with (-?\d+) before it was ready");
        Assert.True(exit.Success, error.Message);
        Assert.NotEqual("0", exit.Groups[1].Value);
        Assert.Contains("agent 'deploy', tool 'deploy_to_production': approver group 'deployers' has no members", error.Message);
        Assert.DoesNotContain("approver group 'sre-leads'", error.Message);
    }
}
