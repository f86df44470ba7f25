using Npgsql;

namespace ChatAgent.LoadDriver;

public sealed partial class Run
{
    /// <summary>
    /// Loop throughput: <see cref="Options.LoopThreads"/> load-steps threads (three post_message steps and done,
    /// offline planner; see <see cref="LoadAgent"/>) launched over the REST API as fast as 8 clients can, run by the bot's Hangfire workers.
    /// Steps/s = tool calls / (last tool_result - first thread_started), from the store's timestamps. Step duration
    /// inside a run = the gap between one step's tool_result and the next one's, so it holds the planner, the appends,
    /// the tool and any CPU the other threads took meanwhile.
    /// </summary>
    public async Task LoopAsync()
    {
        var bot = await BotAsync();
        await DrainAsync(_botDb, TimeSpan.FromMinutes(1));
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var launchStart = Machine.Now();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.LoopThreads), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => ids.Add(await LaunchAsync(bot.Client, LoadAgent.Name, "go", $"loop-{run}-{i}")));
        var launchSeconds = Machine.MsSince(launchStart) / 1000;
        var idList = ids.ToArray();
        try
        {
            await PollAsync(() => CountAsync(_botDb, "SELECT count(*) FROM threads WHERE id = ANY($1) AND status <> 'running'", idList),
                n => n == idList.Length, TimeSpan.FromMinutes(options.Quick ? 2 : 4), $"{idList.Length} load-steps threads to finish");
        }
        catch (TimeoutException e)
        {
            Console.WriteLine($"  {e.Message}; measuring what finished");
        }

        var rows = new List<(string Thread, long Seq, string Type, DateTimeOffset At)>();
        await using (var connection = new NpgsqlConnection(_botDb))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT thread_id, seq, type, at FROM events WHERE thread_id = ANY($1) ORDER BY thread_id, seq", connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = idList });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        var calls = rows.Count(r => r.Type == "tool_call");
        var first = rows.Where(r => r.Type == "thread_started").Min(r => r.At);
        var last = rows.Where(r => r.Type == "tool_result").Max(r => r.At);
        var stepsPerSecond = calls / (last - first).TotalSeconds;
        var gaps = rows.GroupBy(r => r.Thread).SelectMany(g =>
        {
            var results = g.Where(r => r.Type == "tool_result").Select(r => r.At).ToList();
            return results.Zip(results.Skip(1), (a, b) => (b - a).TotalMilliseconds);
        }).ToList();
        var gap = new Stats(gaps);
        var pickup = new Stats(rows.GroupBy(r => r.Thread).Where(g => g.Any(r => r.Type == "model_decision")).Select(g =>
            (g.First(r => r.Type == "model_decision").At - g.First(r => r.Type == "thread_started").At).TotalMilliseconds));
        var completed = await CountAsync(_botDb, "SELECT count(*) FROM threads WHERE id = ANY($1) AND status = 'completed'", idList);

        // A step commits at least twice (the call before its effect, the result after): the bare commit rate halved.
        var limit = _bareCommitsPerSecond / 2;
        report.Add(new Row("loop", $"steps/s across {idList.Length:N0} threads (offline planner; {completed:N0} finished in time)", stepsPerSecond, "/s", ">= 0.3× (ratio)", limit is { } bound ? stepsPerSecond >= 0.3 * bound : null,
            limit is null ? null : "bare INSERT+COMMIT/s (8 writers) ÷ 2 commits per step", limit));
        report.Add(new Row("loop", "step duration p99 inside a run, under that load", gap.P99, "ms", "<= 25 ms", gap.P99 <= 25));
        report.Details["loop"] = new
        {
            threads = idList.Length,
            completed,
            tool_calls = calls,
            launch_seconds = Math.Round(launchSeconds, 2),
            window_seconds = Math.Round((last - first).TotalSeconds, 2),
            steps_per_second = Math.Round(stepsPerSecond, 1),
            step_duration_in_run_ms = gap.Summary(),
            launch_to_first_step_ms = pickup.Summary(),
        };
    }

    private static async Task<long> CountAsync(string connectionString, string sql, string[] ids)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
