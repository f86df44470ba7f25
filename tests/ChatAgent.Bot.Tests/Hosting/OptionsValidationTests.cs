using ChatAgent.TestHost;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>
/// Every options class the host binds is validated at start: one bad value stops the real host before it serves a
/// request, with a message that names the configuration key and what it should be.
/// </summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, string, string> BadValues() => new()
    {
        { "Jobs:WorkerCount", "0", "Jobs:WorkerCount must be between 1 and 200." },
        { "Jobs:DeliveryWorkers", "-1", "Jobs:DeliveryWorkers must be between 0 and 200." },
        { "Jobs:InvisibilityTimeout", "00:00:00", "Jobs:InvisibilityTimeout must be between 00:00:01 and 1.00:00:00 (a day)." },
        { "Jobs:Sweeper:Interval", "00:00:00", "Jobs:Sweeper:Interval must be between 00:00:00.010 and 1.00:00:00 (a day)." },
        { "Jobs:Sweeper:StaleAfter", "-00:00:01", "Jobs:Sweeper:StaleAfter must be between 00:00:00 and 1.00:00:00 (a day)." },
        { "Jobs:Sweeper:BatchSize", "0", "Jobs:Sweeper:BatchSize must be between 1 and 100000." },
        { "Llm:Provider", "gpt", "Llm:Provider must be offline, openai, anthropic or ollama." },
        { "Llm:BaseUrl", "localhost:11434", "Llm:BaseUrl must be an absolute http(s) URL, such as http://localhost:11434/v1." },
        { "Chat:FirstAgent", " ", "Chat:FirstAgent must name an agent (default: deploy)." },
        { "Agents:Path", "/nonexistent/agents", "Agents:Path must be a folder of agent YAML files (the repository's agents/ when unset)." },
        { "Tools:Secrets:deploy_hook", " ", "Tools:Secrets:deploy_hook is empty; set the HMAC secret the tool's server checks, or remove the key." },
        { "People:alice:0", "UALICE", "People:alice:0 is 'UALICE', not a platform id such as slack:U123, teams:<aadObjectId>, web:<name> or github:<login>." },
        { "Api:Keys:ci:ActAs:0", "web:*", "Api:Keys:ci has ActAs grants but no Key; set Api__Keys__ci__Key to the key's secret." },
        { "Webhooks:ReplayRetention", "00:00:00", "Webhooks:ReplayRetention must be a positive time span (e.g. 7.00:00:00)." },
        { "Slack:ApiBaseUrl", "slack.com/api", "Slack:ApiBaseUrl must be an absolute URL." },
        { "Teams:OpenIdMetadataUrl", "botframework", "Teams:OpenIdMetadataUrl must be an absolute URL." },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task ABadValue_StopsStartUp_WithAMessageNamingTheKey(string key, string value, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { [key] = value });
        });

        Assert.Contains(message, error.Message);
    }

    /// <summary>docker-compose.yml passes unset settings through as empty values: empty is unset, not wrong.</summary>
    [Fact]
    public async Task EmptyValues_AsDockerComposePassesThem_AreUnset_AndTheHostStarts()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { ["Llm:BaseUrl"] = "", ["Llm:Model"] = "", ["Llm:ApiKey"] = "" });

        Assert.Equal(System.Net.HttpStatusCode.OK, (await host.Client.GetAsync("/healthz")).StatusCode);
    }
}
