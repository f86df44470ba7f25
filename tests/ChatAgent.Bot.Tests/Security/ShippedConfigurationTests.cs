using ChatAgent.Bot.Security;
using ChatAgent.TestSupport;
using Microsoft.Extensions.Configuration;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>The shipped compose file and <c>.env.example</c> run the bot exposed, so they must make the operator fill the groups.</summary>
public sealed class ShippedConfigurationTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"));

    [Theory]
    [InlineData("Approvals__Groups__deployers__0")]
    [InlineData("Approvals__Groups__sre-leads__0")]
    [InlineData("AllowedHosts")]
    public void Compose_RefusesToStartTheBot_UntilTheSettingIsFilled(string key)
    {
        // ${X:?message} makes `docker compose up` stop with the message while X is empty or unset.
        Assert.Contains($"{key}: ${{{key}:?", Compose);
    }

    [Fact]
    public async Task TheImageAndEnvExample_AsShipped_AreExposed_AndRefuseToStartWithTheGroupsEmpty()
    {
        var settings = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .Select(l => (Key: l[..l.IndexOf('=')].Replace("__", ":"), Value: l[(l.IndexOf('=') + 1)..]))
            .Where(s => !s.Key.StartsWith("POSTGRES_", StringComparison.Ordinal) && !s.Key.StartsWith("CHATAGENT_", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => (string?)s.Value);
        settings["Urls"] = "http://+:5000"; // the Dockerfile's
        Assert.True(BotMode.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Exposed);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(settings));
        Assert.Contains("approver group 'deployers' has no members", Appended.Messages(error));
    }
}
