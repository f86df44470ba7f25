using System.Text.Json;
using System.Text.RegularExpressions;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Workflows;
using ChatAgent.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>
/// What ships has to match what the agents declare: a slash command an agent or workflow answers to is useless
/// unless the Slack app registers it, and Teams only suggests the words its manifest lists; the image must carry
/// every folder the bot reads agents from, or `release` and `campaign` vanish in compose.
/// </summary>
public sealed class PackagingTests
{
    private static readonly AgentCatalog Shipped = WorkflowLoader.Load(AgentCatalog.Load(RepositoryPaths.Agents), RepositoryPaths.Workflows);

    public static TheoryData<string> SlackManifests => new() { "manifest.yaml", "manifest.socket-mode.yaml" };

    [Fact]
    public void ShippedCatalog_DeclaresTheSlashWordsTheManifestsAreCheckedFor()
    {
        // Guards the tests below against passing on an empty catalog.
        Assert.Superset(new HashSet<string> { "deploy", "incident", "release", "campaign" }, DeclaredSlashWords().ToHashSet());
    }

    [Theory]
    [MemberData(nameof(SlackManifests))]
    public void SlackManifest_RegistersEverySlashCommandTheAgentsAndWorkflowsDeclare(string file)
    {
        var root = (YamlMappingNode)LoadYaml(Path.Combine(RepositoryPaths.Root, "manifests", "slack", file));
        var features = (YamlMappingNode)root["features"];
        var registered = ((YamlSequenceNode)features["slash_commands"])
            .Cast<YamlMappingNode>()
            .Select(c => ((YamlScalarNode)c["command"]).Value)
            .ToHashSet();

        Assert.Contains("/agent", registered);
        foreach (var word in DeclaredSlashWords()) Assert.Contains("/" + word, registered);
    }

    [Theory]
    [MemberData(nameof(SlackManifests))]
    public void SlackManifest_SubscribesToThreadReplies_WithTheScopesTheyNeed(string file)
    {
        var root = (YamlMappingNode)LoadYaml(Path.Combine(RepositoryPaths.Root, "manifests", "slack", file));
        var events = Scalars(((YamlMappingNode)((YamlMappingNode)root["settings"])["event_subscriptions"])["bot_events"]);
        var scopes = Scalars(((YamlMappingNode)((YamlMappingNode)root["oauth_config"])["scopes"])["bot"]);

        Assert.Superset(new HashSet<string> { "app_mention", "message.im", "message.channels", "message.groups" }, events);
        Assert.Superset(new HashSet<string> { "app_mentions:read", "im:history", "channels:history", "groups:history", "chat:write", "commands" }, scopes);
    }

    [Theory]
    [MemberData(nameof(SlackManifests))]
    public void SlackManifest_EnablesTheHomeTabInbox_AndDirectMessages(string file)
    {
        var root = (YamlMappingNode)LoadYaml(Path.Combine(RepositoryPaths.Root, "manifests", "slack", file));
        var events = Scalars(((YamlMappingNode)((YamlMappingNode)root["settings"])["event_subscriptions"])["bot_events"]);
        var scopes = Scalars(((YamlMappingNode)((YamlMappingNode)root["oauth_config"])["scopes"])["bot"]);
        var home = (YamlMappingNode)((YamlMappingNode)root["features"])["app_home"];

        Assert.Contains("app_home_opened", events);
        Assert.Equal("true", ((YamlScalarNode)home["home_tab_enabled"]).Value);
        Assert.Contains("im:write", scopes); // conversations.open, for the cards in approvers' DMs
    }

    private static HashSet<string> Scalars(YamlNode sequence) =>
        [.. ((YamlSequenceNode)sequence).Cast<YamlScalarNode>().Select(n => n.Value!)];

    [Fact]
    public void TeamsManifest_ListsEveryCommandWordTheAgentsAndWorkflowsDeclare()
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "manifests", "teams", "manifest.json"))).RootElement;
        var commands = manifest.GetProperty("bots")[0].GetProperty("commandLists")[0].GetProperty("commands")
            .EnumerateArray().Select(c => c.GetProperty("title").GetString()).ToHashSet();

        foreach (var word in DeclaredSlashWords()) Assert.Contains(word, commands);
        // Teams refuses a command list of more than 10 entries.
        Assert.InRange(commands.Count, 1, 10);
    }

    [Fact]
    public void Image_CarriesTheAgentsAndWorkflowsFolders_AndPointsTheBotAtThem()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));
        var runtime = dockerfile[dockerfile.IndexOf("AS runtime", StringComparison.Ordinal)..];

        Assert.Matches(new Regex(@"^COPY agents/ \./agents/$", RegexOptions.Multiline), runtime);
        Assert.Matches(new Regex(@"^COPY workflows/ \./workflows/$", RegexOptions.Multiline), runtime);
        Assert.Contains("Agents__Path=/app/agents", runtime);
        Assert.Contains("Workflows__Path=/app/workflows", runtime);
    }

    private static IEnumerable<string> DeclaredSlashWords() => Shipped.Agents.SelectMany(a => a.Triggers.Slash).Distinct();

    private static YamlNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents[0].RootNode;
    }
}
