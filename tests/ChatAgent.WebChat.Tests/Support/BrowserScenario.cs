using System.Diagnostics;
using System.Text.Json;
using ChatAgent.TestSupport;

namespace ChatAgent.WebChat.Tests.Support;

/// <summary>
/// Runs one scenario script of <c>browser/</c> with node (headless system Chromium through playwright-core) against a
/// host and returns the JSON it prints. Screenshots go to <c>tests/ChatAgent.WebChat.Tests/artifacts/</c>.
/// </summary>
public static class BrowserScenario
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "tests", "ChatAgent.WebChat.Tests", "browser");

    public static string Artifacts { get; } = Path.Combine(RepositoryPaths.Root, "tests", "ChatAgent.WebChat.Tests", "artifacts");

    public static async Task<JsonElement> RunAsync(string script, Uri baseAddress)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "playwright-core")))
            throw new InvalidOperationException($"playwright-core is not installed: run `npm ci` in {Folder} (scripts/test.sh does).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.ArgumentList.Add(Artifacts);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in 6 minutes. stderr: {await stderr}");
        }
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (process.ExitCode != 0 || lines.Length == 0)
            throw new InvalidOperationException($"{script} exited {process.ExitCode}. stdout: {await stdout} stderr: {await stderr}");
        var result = JsonDocument.Parse(lines[^1]).RootElement.Clone();
        if (!result.GetProperty("ok").GetBoolean())
            Assert.Fail($"{script} failed: {result.GetProperty("failure").GetString()} (screenshots in {Artifacts})");
        var errors = result.GetProperty("consoleErrors");
        Assert.True(errors.GetArrayLength() == 0, $"{script}: the page logged errors: {errors}");
        return result;
    }
}
