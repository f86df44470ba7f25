using ChatAgent.Bot.Audit;
using ChatAgent.Bot.Storage;

namespace ChatAgent.Bot.Hosting;

/// <summary>The operator commands the bot runs instead of serving: <c>dotnet run --project src/ChatAgent.Bot -- &lt;command&gt;</c>.</summary>
public static class Commands
{
    /// <summary>
    /// Runs the command <paramref name="args"/> names, if any; false means "start the server as usual". Synchronous on
    /// purpose: an <c>await</c> in Program.cs would make Main async, and the test host could no longer stop it after Build.
    /// </summary>
    public static bool RunCommand(this WebApplication app, string[] args)
    {
        if (args.Contains(AuditCommand.Name, StringComparer.Ordinal))
        {
            AuditCommand.RunAsync(app, args.Contains(AuditCommand.CheckpointFlag, StringComparer.Ordinal)).GetAwaiter().GetResult();
            return true;
        }
        if (args.Contains(ProjectionsCommand.Name, StringComparer.Ordinal))
        {
            Environment.ExitCode = ProjectionsCommand.RunAsync(app.Services, Console.Out).GetAwaiter().GetResult();
            return true;
        }
        return false;
    }
}
