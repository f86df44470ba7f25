using System.Buffers.Binary;
using System.Text.Json;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>The app package Teams accepts: a manifest that names the bot by placeholder, and icons of the required sizes.</summary>
public sealed class TeamsManifestTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "manifests", "teams");

    [Fact]
    public void Manifest_DeclaresTheBot_InEveryScope_WithItsCommands()
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement;
        Assert.Equal("1.22", manifest.GetProperty("manifestVersion").GetString());
        Assert.Contains("v1.22", manifest.GetProperty("$schema").GetString());
        var bot = manifest.GetProperty("bots")[0];
        Assert.Equal("${{TEAMS_APP_ID}}", bot.GetProperty("botId").GetString());
        Assert.Equal(["personal", "team", "groupChat"], bot.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var commands = bot.GetProperty("commandLists")[0].GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("title").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "help", "list", "pending", "status", "pause", "resume", "deploy" }, commands.ToHashSet());
    }

    [Theory]
    [InlineData("color.png", 192)]
    [InlineData("outline.png", 32)]
    public void Icons_HaveTheSizesTeamsRequires(string file, int size)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));
        Assert.Equal("\x89PNG\r\n\x1a\n", string.Concat(bytes.Take(8).Select(b => (char)b)));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }
}
