using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ChatAgent.Core.Agents;
using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Tools;

/// <summary>
/// Runs an allow-listed script from the agents folder's <c>scripts/</c>, directly when executable, else with <c>/bin/sh</c>,
/// through <c>nice -n</c> <see cref="AgentsOptions.ShellNiceness"/> (so the process starts at the lower priority, and
/// so does everything it forks). Parameters never touch a command line: the only arguments ever passed are the
/// niceness and the script's own path,
/// and each parameter arrives as the environment variable <c>PARAM_&lt;NAME&gt;</c> (upper-case; strings as is, other JSON
/// as compact JSON), next to <c>CHATAGENT_TOOL_CALL_ID</c>, <c>CHATAGENT_THREAD_ID</c>, <c>CHATAGENT_AGENT</c> and
/// <c>CHATAGENT_DATA_DIR</c>. The inherited environment is not passed on (no secrets leak into scripts).
/// A timeout kills the whole process tree. stdout and stderr are kept up to 4 KB each. Exit code 0 succeeds, with
/// stdout as the result when it is a JSON object, else <c>{output}</c>; any other exit code fails with stderr as detail.
/// </summary>
public sealed class ShellToolRunner(IOptions<AgentsOptions> options) : IToolRunner
{
    public const int MaxOutput = 4096;

    public string Type => RunnerSpec.Shell;

    public async Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var tool = invocation.Tool;
        var (script, error) = ShellScripts.Resolve(options.Value.Path, tool.Runner.Target);
        if (script is null) return ToolOutcome.Failure(error!);
        if (invocation.Parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
            return ToolOutcome.Failure($"the parameters of '{tool.Name}' must be a JSON object");

        using var process = new Process { StartInfo = StartInfo(script, invocation) };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return ToolOutcome.Failure($"{tool.Name} could not be started", ex.Message);
        }
        var stdout = ReadLimitedAsync(process.StandardOutput);
        var stderr = ReadLimitedAsync(process.StandardError);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(tool.Runner.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return ToolOutcome.Failure($"{tool.Name} timed out after {tool.Runner.Timeout.TotalSeconds:0.#}s and was killed",
                await stderr, transient: true);
        }

        var output = await stdout;
        // nice reports a script it could not exec (126, 127) under its own name, as the kernel's refusal would be.
        if (process.ExitCode is 126 or 127 && process.StartInfo.FileName == NiceCommand.Value && (await stderr).StartsWith(NiceCommand.Value + ":", StringComparison.Ordinal))
            return ToolOutcome.Failure($"{tool.Name} could not be started", await stderr);
        if (process.ExitCode != 0)
            return ToolOutcome.Failure($"{tool.Name} exited with code {process.ExitCode}", await stderr);
        return ToolOutcome.Success(AsResult(output));
    }

    private ProcessStartInfo StartInfo(string script, ToolInvocation invocation)
    {
        var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0;
        var niceness = options.Value.ShellNiceness;
        var nice = niceness > 0 ? NiceCommand.Value : null;
        var psi = new ProcessStartInfo(nice ?? (executable ? script : "/bin/sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        if (nice is not null)
        {
            psi.ArgumentList.Add("-n");
            psi.ArgumentList.Add(niceness.ToString(System.Globalization.CultureInfo.InvariantCulture));
            psi.ArgumentList.Add(executable ? script : "/bin/sh");
        }
        if (!executable) psi.ArgumentList.Add(script);

        var dataDir = options.Value.EffectiveDataDir;
        Directory.CreateDirectory(dataDir);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        psi.Environment["LANG"] = "C.UTF-8";
        psi.Environment["CHATAGENT_TOOL_CALL_ID"] = invocation.ToolCallId;
        psi.Environment["CHATAGENT_THREAD_ID"] = invocation.Thread.Id;
        psi.Environment["CHATAGENT_AGENT"] = invocation.Thread.Agent;
        psi.Environment["CHATAGENT_DATA_DIR"] = dataDir;
        if (invocation.Parameters.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in invocation.Parameters.EnumerateObject())
                psi.Environment["PARAM_" + EnvName(p.Name)] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : JsonSerializer.Serialize(p.Value);
        }
        return psi;
    }

    /// <summary><c>nice</c> where coreutils puts it; null (run at the host's priority) where there is none, e.g. Windows.</summary>
    private static readonly Lazy<string?> NiceCommand = new(() =>
        OperatingSystem.IsWindows() ? null : new[] { "/usr/bin/nice", "/bin/nice" }.FirstOrDefault(File.Exists));

    private static string EnvName(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_'));

    /// <summary>Keeps the first <see cref="MaxOutput"/> characters and drains the rest, so a chatty script never blocks on a full pipe.</summary>
    private static async Task<string> ReadLimitedAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        var truncated = false;
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            var room = MaxOutput - kept.Length;
            if (room > 0) kept.Append(buffer, 0, Math.Min(room, read));
            if (read > room) truncated = true;
        }
        return truncated ? kept.Append("…[truncated]").ToString() : kept.ToString();
    }

    private static JsonElement AsResult(string output)
    {
        try
        {
            using var doc = JsonDocument.Parse(output);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
        }
        return JsonSerializer.SerializeToElement(new { output = output.TrimEnd() });
    }
}
