using System.Diagnostics;
using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;
using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Tests.Tools;

/// <summary>Shell tools run on Linux and macOS hosts only (scripts are /bin/sh).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ShellToolRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _agents;
    private readonly string _data;

    public ShellToolRunnerTests()
    {
        _agents = Path.Combine(_dir.Path, "agents");
        _data = Path.Combine(_dir.Path, "data");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Parameters_ArriveAsEnvironmentVariables_AndNeverAsArguments()
    {
        Script("env.sh", """printf '{"args":%s,"service":"%s","count":"%s","call":"%s","thread":"%s","agent":"%s","data":"%s"}' "$#" "$PARAM_SERVICE" "$PARAM_RETRY_COUNT" "$CHATAGENT_TOOL_CALL_ID" "$CHATAGENT_THREAD_ID" "$CHATAGENT_AGENT" "$CHATAGENT_DATA_DIR" """);

        var outcome = await RunAsync("env.sh", """{"service":"api","retry-count":3}""");

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(
            $$"""{"args":0,"service":"api","count":"3","call":"call-1","thread":"thread-1","agent":"deploy","data":"{{_data}}"}""",
            outcome.Result.GetRawText());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AScript_RunsTenNicenessStepsBelowTheHost_ByDefault(bool executable)
    {
        // nice without arguments prints the niceness it runs at, which a shell's children inherit.
        Script("niceness.sh", "printf '{\"niceness\":%s}' \"$(nice)\"", executable);

        var outcome = await RunAsync("niceness.sh", "{}");

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(Math.Min(19, HostNiceness() + 10), outcome.Result.GetProperty("niceness").GetInt32());
    }

    [Fact]
    public async Task ShellNicenessZero_RunsAScriptAtTheHostsPriority()
    {
        Script("niceness.sh", "printf '{\"niceness\":%s}' \"$(nice)\"");
        var runner = new ShellToolRunner(Options.Create(new AgentsOptions { Path = _agents, DataDir = _data, ShellNiceness = 0 }));

        var outcome = await runner.RunAsync(Invocation(Tool("niceness.sh")), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(HostNiceness(), outcome.Result.GetProperty("niceness").GetInt32());
    }

    /// <summary>This test process's niceness: field 19 of <c>/proc/self/stat</c>, counted after the command name's closing parenthesis.</summary>
    private static int HostNiceness()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task ShellMetacharactersInAParameter_AreNeverExecuted()
    {
        var marker = Path.Combine(_dir.Path, "pwned");
        Script("echo.sh", "echo \"$PARAM_NAME\"");

        var outcome = await RunAsync("echo.sh", JsonSerializer.Serialize(new { name = $"x; touch {marker}; $(touch {marker}) `touch {marker}`" }));

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.False(File.Exists(marker));
        Assert.Equal($"x; touch {marker}; $(touch {marker}) `touch {marker}`", outcome.Result.GetProperty("output").GetString());
    }

    [Fact]
    public async Task ScriptWithoutExecuteBit_RunsWithBinSh()
    {
        Script("plain.sh", "echo '{\"ok\":true}'", executable: false);

        var outcome = await RunAsync("plain.sh", "{}");

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.True(outcome.Result.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task NonZeroExit_IsAFailureWithStderrAsDetail()
    {
        Script("fail.sh", "echo 'partial' ; echo 'service is locked' >&2 ; exit 3");

        var outcome = await RunAsync("fail.sh", "{}");

        Assert.False(outcome.Succeeded);
        Assert.Equal("probe exited with code 3", outcome.Error);
        Assert.Equal("service is locked\n", outcome.Detail);
    }

    [Fact]
    public async Task Timeout_KillsTheWholeProcessTree()
    {
        Script("hang.sh", "sleep 60 & echo $! > \"$CHATAGENT_DATA_DIR/child.pid\"; wait");
        var stopwatch = Stopwatch.StartNew();

        var outcome = await RunAsync("hang.sh", "{}", timeout: TimeSpan.FromMilliseconds(500));

        Assert.False(outcome.Succeeded);
        Assert.Contains("timed out", outcome.Error);
        Assert.True(outcome.Transient);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30));
        var child = int.Parse(File.ReadAllText(Path.Combine(_data, "child.pid")).Trim());
        Assert.True(SpinWait.SpinUntil(() => !IsAlive(child), TimeSpan.FromSeconds(10)), $"child {child} survived the timeout");
    }

    [Fact]
    public async Task LongOutput_IsTruncatedTo4KB()
    {
        Script("chatty.sh", "head -c 100000 /dev/zero | tr '\\0' a ; head -c 100000 /dev/zero | tr '\\0' b >&2 ; exit 1");

        var outcome = await RunAsync("chatty.sh", "{}");

        Assert.False(outcome.Succeeded);
        Assert.StartsWith(new string('b', ShellToolRunner.MaxOutput), outcome.Detail);
        Assert.EndsWith("[truncated]", outcome.Detail);
        Assert.True(outcome.Detail!.Length < ShellToolRunner.MaxOutput + 20);
    }

    [Fact]
    public async Task StdoutThatIsNotAJsonObject_IsWrappedAsOutput()
    {
        Script("text.sh", "echo '[1,2]'");

        var outcome = await RunAsync("text.sh", "{}");

        Assert.Equal("""{"output":"[1,2]"}""", outcome.Result.GetRawText());
    }

    [Fact]
    public async Task ScriptOutsideTheScriptsFolder_IsRefused()
    {
        _dir.Write("agents/evil.sh", "touch pwned");

        var outcome = await RunAsync("../evil.sh", "{}");

        Assert.False(outcome.Succeeded);
        Assert.Contains("must lie under", outcome.Error);
    }

    [Fact]
    public async Task DataDir_DefaultsToDataNextToTheAgentsFolder_AndIsCreated()
    {
        Script("where.sh", "echo \"$CHATAGENT_DATA_DIR\"");
        var runner = new ShellToolRunner(Options.Create(new AgentsOptions { Path = _agents }));

        var outcome = await runner.RunAsync(Invocation(Tool("where.sh")), CancellationToken.None);

        Assert.Equal(_data, outcome.Result.GetProperty("output").GetString());
        Assert.True(Directory.Exists(_data));
    }

    [Fact]
    public async Task ShippedDeployScripts_AppendOneReleaseLinePerExecution()
    {
        var catalog = AgentCatalog.Load(RepositoryPaths.Agents);
        var runner = new ShellToolRunner(Options.Create(new AgentsOptions { Path = RepositoryPaths.Agents, DataDir = _data }));

        var tests = await runner.RunAsync(Invocation(catalog.FindTool("run_tests")!, """{"service":"api"}""", "call-tests"), CancellationToken.None);
        var version = tests.Result.GetProperty("version").GetString();
        var parameters = $$"""{"service":"api","version":"{{version}}"}""";
        var staging = await runner.RunAsync(Invocation(catalog.FindTool("deploy_to_staging")!, parameters, "call-staging"), CancellationToken.None);
        var production = await runner.RunAsync(Invocation(catalog.FindTool("deploy_to_production")!, parameters, "call-production"), CancellationToken.None);

        Assert.Equal("""{"passed":true,"tests":42,"version":"1.4.2"}""", tests.Result.GetRawText());
        Assert.True(staging.Succeeded && production.Succeeded, staging.Detail + production.Detail);
        var lines = File.ReadAllLines(Path.Combine(_data, "releases.log"));
        Assert.Collection(lines,
            l => Assert.Contains("tool=run_tests service=api env=- version=1.4.2 call=call-tests", l),
            l => Assert.Contains("tool=deploy_to_staging service=api env=staging version=1.4.2 call=call-staging", l),
            l => Assert.Contains("tool=deploy_to_production service=api env=production version=1.4.2 call=call-production", l));
    }

    [Theory]
    [InlineData("""{"service":"api; rm -rf /","version":"1.4.2"}""")]
    [InlineData("""{"service":"api","version":"1.4"}""")]
    [InlineData("""{"version":"1.4.2"}""")]
    public async Task ShippedDeployScript_RefusesBadInput_WithoutLogging(string parameters)
    {
        var catalog = AgentCatalog.Load(RepositoryPaths.Agents);
        var runner = new ShellToolRunner(Options.Create(new AgentsOptions { Path = RepositoryPaths.Agents, DataDir = _data }));

        var outcome = await runner.RunAsync(Invocation(catalog.FindTool("deploy_to_production")!, parameters), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("invalid", outcome.Detail);
        Assert.False(File.Exists(Path.Combine(_data, "releases.log")));
    }

    [Fact]
    public async Task TheScript_SeesOnlyItsOwnEnvironment_InItsScriptsFolder_NothingInherited()
    {
        Environment.SetEnvironmentVariable("CHATAGENT_SHELL_TEST_SECRET", "do-not-leak");
        Script("env.sh", """printf '%s|%s|%s|%s|%s' "$PATH" "$LANG" "$HOME" "$CHATAGENT_SHELL_TEST_SECRET" "$(pwd)" """);

        var outcome = await RunAsync("env.sh", "{}");

        Assert.Equal($"/usr/local/bin:/usr/bin:/bin|C.UTF-8|||{Path.Combine(_agents, "scripts")}", outcome.Result.GetProperty("output").GetString());
    }

    [Fact]
    public async Task ParametersThatAreNotStrings_ArriveAsCompactJson()
    {
        Script("typed.sh", """printf '%s|%s|%s|%s' "$PARAM_COUNT" "$PARAM_TAGS" "$PARAM_DRY_RUN" "$PARAM_NAME" """);

        var outcome = await RunAsync("typed.sh", """{"count": 3, "tags": [ "a", "b" ], "dry.run": true, "name": "x y"}""");

        Assert.Equal("""3|["a","b"]|true|x y""", outcome.Result.GetProperty("output").GetString());
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"api\"")]
    public async Task ParametersThatAreNotAnObject_AreRefused_WithoutRunning(string parameters)
    {
        var marker = Path.Combine(_dir.Path, "ran");
        Script("mark.sh", $"touch {marker}");

        var outcome = await RunAsync("mark.sh", parameters);

        Assert.Equal((false, "the parameters of 'probe' must be a JSON object"), (outcome.Succeeded, outcome.Error));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task AScriptThatCannotStart_IsAFailure_NotAnException()
    {
        var path = _dir.Write("agents/scripts/broken.sh", "#!/nonexistent/interpreter\necho hi\n");
        File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);

        var outcome = await RunAsync("broken.sh", "{}");

        Assert.False(outcome.Succeeded);
        Assert.Equal("probe could not be started", outcome.Error);
        Assert.False(string.IsNullOrEmpty(outcome.Detail));
    }

    [Fact]
    public async Task OutputOfExactly4KB_IsKeptWhole_OneMoreCharacterIsCut()
    {
        Script("exact.sh", "head -c 4096 /dev/zero | tr '\\0' a ; head -c 4097 /dev/zero | tr '\\0' b >&2 ; exit 1");

        var outcome = await RunAsync("exact.sh", "{}");

        Assert.Equal(new string('b', 4096) + "…[truncated]", outcome.Detail);

        Script("exact-out.sh", "head -c 4096 /dev/zero | tr '\\0' a");
        var kept = await RunAsync("exact-out.sh", "{}");
        Assert.Equal(new string('a', 4096), kept.Result.GetProperty("output").GetString());
    }

    [Fact]
    public async Task ATimeout_SaysAfterHowLong_AndThatTheScriptWasKilled()
    {
        Script("slow.sh", "echo 'started' >&2; sleep 30");

        var outcome = await RunAsync("slow.sh", "{}", timeout: TimeSpan.FromMilliseconds(500));

        Assert.Equal("probe timed out after 0.5s and was killed", outcome.Error);
    }

    [Fact]
    public async Task Cancellation_KillsTheScript_AndIsThrown()
    {
        Script("slow.sh", "sleep 30");
        var runner = new ShellToolRunner(Options.Create(new AgentsOptions { Path = _agents, DataDir = _data }));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(Invocation(Tool("slow.sh")), cancel.Token));
        Assert.Equal(RunnerSpec.Shell, runner.Type);
    }

    private void Script(string name, string body, bool executable = true)
    {
        var path = _dir.Write($"agents/scripts/{name}", "#!/bin/sh\n" + body + "\n");
        if (executable) File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
    }

    private Task<ToolOutcome> RunAsync(string script, string parameters, TimeSpan? timeout = null)
    {
        var runner = new ShellToolRunner(Options.Create(new AgentsOptions { Path = _agents, DataDir = _data }));
        return runner.RunAsync(Invocation(Tool(script, timeout), parameters), CancellationToken.None);
    }

    private static ToolDefinition Tool(string script, TimeSpan? timeout = null) =>
        new("probe", "test", ToolKind.Immediate, "{}", new RunnerSpec(RunnerSpec.Shell, "scripts/" + script, timeout ?? TimeSpan.FromSeconds(20)));

    private static ToolInvocation Invocation(ToolDefinition tool, string parameters = "{}", string callId = "call-1") =>
        new(ThreadState.Empty with { Id = "thread-1", Agent = "deploy" }, tool, callId, JsonDocument.Parse(parameters).RootElement.Clone());

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
