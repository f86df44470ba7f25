using ChatAgent.Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>Local or exposed is decided by the process; exposed fails closed at start-up.</summary>
public sealed class ExposedModeTests
{
    private static Dictionary<string, string?> Slack() => new()
    {
        ["Slack:SigningSecret"] = "exposed-test-signing-secret",
        ["Slack:BotToken"] = "xoxb-exposed-test",
        ["Slack:ApiBaseUrl"] = "http://127.0.0.1:9/api/",
    };

    [Fact]
    public async Task Exposed_WithTheDeployersGroupLeftEmpty_RefusesToStart_NamingAgentToolAndGroup()
    {
        // The shipped compose file used to leave the group empty, and then any workspace member could approve a production deploy.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(Slack(), postgres: true));
        var message = Appended.Messages(error);
        Assert.Contains("agent 'deploy', tool 'deploy_to_production': approver group 'deployers' has no members", message);
        Assert.Contains("Approvals__Groups__deployers__0", message);
        Assert.Contains("approver group 'sre-leads' has no members", message);
        Assert.Contains("Slack__SigningSecret is set", message);
    }

    [Fact]
    public async Task Exposed_WithAnApiKeyOnly_AlsoRefusesEmptyGroups()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(new Dictionary<string, string?> { ["Api:Keys:ci:Key"] = "k" }));
        Assert.Contains("API keys are configured", Appended.Messages(error));
    }

    [Fact]
    public async Task Exposed_WithGroupsFilled_Starts_AndTheLogSaysExposedAndWhy()
    {
        var logs = new CapturingLoggerProvider();
        var settings = Slack();
        settings["Approvals:Groups:deployers:0"] = "slack:UDEPLOYER";
        settings["Approvals:Groups:sre-leads:0"] = "slack:USRE";
        settings["Logging:LogLevel:Default"] = "Information";
        await using var host = await BotHost.StartAsync(settings, services: s => s.AddSingleton<ILoggerProvider>(logs));
        Assert.Contains(logs.Lines, l => l.Contains("Mode: exposed, because Slack__SigningSecret is set; Slack__BotToken is set"));
        Assert.Contains(logs.Lines, l => l.Contains("AllowedHosts is '*': the bot answers any host name."));
    }

    [Fact]
    public async Task NothingConfigured_IsLocal_AndTheLogSaysSo()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        Assert.Contains(logs.Lines, l => l.Contains("Mode: local, because no Slack, Teams or API keys are configured and it listens on loopback only (http://127.0.0.1:0)"));
    }

    [Fact]
    public async Task ListeningOnAllInterfaces_IsExposed_EvenWithNothingElseConfigured()
    {
        // Urls is read before the host starts; the test host then binds its own loopback port, so nothing is exposed here.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(new Dictionary<string, string?> { ["Urls"] = "http://0.0.0.0:0" }));
        Assert.Contains("it listens on http://0.0.0.0:0, which is not loopback", Appended.Messages(error));
    }

    [Fact]
    public async Task TeamsEmulator_InExposedMode_RefusesToStart()
    {
        var settings = Slack();
        settings["Approvals:Groups:deployers:0"] = "slack:UDEPLOYER";
        settings["Approvals:Groups:sre-leads:0"] = "slack:USRE";
        settings["Teams:Emulator"] = "true";
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(settings));
        Assert.Contains("Teams:Emulator=true accepts unauthenticated activities and is allowed in local mode only", Appended.Messages(error));
    }
}
