using ChatAgent.TestSupport;

namespace ChatAgent.LoadDriver;

public sealed partial class Run
{
    /// <summary>
    /// Working set (VmRSS) of a fresh bot process on a fresh database: idle after start-up and a short settle, then
    /// with <see cref="Options.WaitingThreads"/> deploy threads waiting for their production approval (each ran
    /// run_tests and deploy_to_staging, shell tools, first). No GC is forced: this is what the operator sees.
    /// </summary>
    public async Task MemoryAsync()
    {
        var db = await PostgresServer.CreateDatabaseAsync();
        await using var bot = await StartBotAsync(db, dataDir);
        await Task.Delay(TimeSpan.FromSeconds(5)); // settle: start-up allocations, Hangfire's first polls (a measurement pause, not synchronisation)
        var idle = Machine.RssKb(bot.Pid);
        await GcDumpAsync(bot.Pid, "idle");
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var start = Machine.Now();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.WaitingThreads), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => ids.Add(await LaunchAsync(bot.Client, "deploy", $"svc{i} to production", $"mem-{run}-{i}")));
        var idList = ids.ToArray();
        try
        {
            await PollAsync(() => CountAsync(db, "SELECT count(*) FROM threads WHERE id = ANY($1) AND status = 'awaiting_human'", idList),
                n => n == idList.Length, TimeSpan.FromMinutes(options.Quick ? 2 : 4), $"{idList.Length} deploys to wait for approval");
        }
        catch (TimeoutException e)
        {
            Console.WriteLine($"  {e.Message}; measuring with those waiting");
        }
        var seconds = Machine.MsSince(start) / 1000;
        await DrainAsync(db, TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var waiting = Machine.RssKb(bot.Pid);
        await GcDumpAsync(bot.Pid, "waiting");
        var waitingThreads = await CountAsync(db, "SELECT count(*) FROM threads WHERE id = ANY($1) AND status = 'awaiting_human'", idList);
        var perThread = (waiting - idle) / (double)Math.Max(1, waitingThreads);
        report.Add(new Row("memory", "working set idle", idle / 1024.0, "MB", "<= 150 MB", idle / 1024.0 <= 150));
        report.Add(new Row("memory", $"working set with {waitingThreads:N0} threads waiting for approval", waiting / 1024.0, "MB"));
        report.Add(new Row("memory", "more per waiting thread", perThread, "KB", "<= 64 KB", perThread <= 64));
        report.Add(new Row("loop", $"deploy threads to the approval (launch + 2 shell-tool steps + approval card) per second, {waitingThreads:N0} threads", waitingThreads / seconds, "/s"));
        report.Details["memory"] = new { idle_kb = idle, waiting_kb = waiting, waiting_threads = waitingThreads, kb_per_thread = Math.Round(perThread, 1), seconds_to_all_waiting = Math.Round(seconds, 1) };
    }

    /// <summary>
    /// With <c>CHATAGENT_LOAD_GCDUMP</c> naming a folder, a heap dump of the bot (<c>dotnet-gcdump collect</c>, which
    /// forces a full GC in the bot: taken after the working set is read) there, so what grows per thread can be read
    /// with <c>dotnet-gcdump report</c>, and before it a copy of the bot's <c>/proc/PID/smaps</c> (which mappings hold
    /// the working set: the heap, the loaded code, native allocations). Off by default: the driver measures, it does not
    /// profile.
    /// </summary>
    private static async Task GcDumpAsync(int pid, string name)
    {
        if (Environment.GetEnvironmentVariable("CHATAGENT_LOAD_GCDUMP") is not { Length: > 0 } folder) return;
        if (OperatingSystem.IsLinux()) File.Copy($"/proc/{pid}/smaps", Path.Combine(folder, name + ".smaps"), overwrite: true);
        using var dump = System.Diagnostics.Process.Start("dotnet-gcdump", ["collect", "-p", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", Path.Combine(folder, name + ".gcdump")]);
        await dump.WaitForExitAsync();
    }
}
