using System.Globalization;
using Npgsql;

namespace ChatAgent.LoadDriver;

public sealed partial class Run
{
    /// <summary>
    /// A burst as a team makes one: signed slash commands that each launch a real staging deploy (<c>/deploy svcN to
    /// staging</c>: run_tests and deploy_to_staging, shell scripts, then the summary message) at 50 and 200 per second
    /// for <see cref="Options.BurstDuration"/>. The acknowledgement must not wait behind the work it starts: its
    /// p50/p99/max and errors are read while that work saturates the machine, and the burst's end is when every
    /// launched thread has reached its end.
    /// </summary>
    public async Task BurstAsync()
    {
        var bot = await BotAsync();
        var runId = Guid.NewGuid().ToString("N")[..8];
        var details = new Dictionary<string, object>();
        foreach (var (rate, p99Target) in new[] { (50, 25.0), (200, 100.0) })
        {
            var backlog = await DrainAsync(_botDb, TimeSpan.FromSeconds(options.Quick ? 30 : 90));
            var load = Machine.LoadAverage();
            var started = Machine.Now();
            var prefix = $"{runId}.b{rate}";
            var sent = await OpenLoopAsync(bot.Client.SendAsync, rate, options.BurstDuration, i => Command(prefix, i, $"svc{i} to staging"),
                body => body.Contains("Started deploy", StringComparison.Ordinal));
            var launched = await LaunchedAsync(prefix);
            long ended;
            try
            {
                ended = await PollAsync(() => CountAsync(_botDb, "SELECT count(*) FROM threads WHERE id = ANY($1) AND status IN ('completed', 'failed')", launched),
                    n => n == launched.Length, TimeSpan.FromMinutes(options.Quick ? 3 : 6), $"the {launched.Length} launched deploys to end");
            }
            catch (TimeoutException e)
            {
                Console.WriteLine($"  {e.Message}");
                ended = await CountAsync(_botDb, "SELECT count(*) FROM threads WHERE id = ANY($1) AND status IN ('completed', 'failed')", launched);
            }
            var seconds = Machine.MsSince(started) / 1000;
            var completed = await CountAsync(_botDb, "SELECT count(*) FROM threads WHERE id = ANY($1) AND status = 'completed'", launched);
            var bad = sent.Latency.Over(2_000) + sent.Errors;
            report.Add(new Row("burst", $"staging deploys: ack p50 @ {rate}/s", sent.Latency.P50, "ms"));
            report.Add(new Row("burst", $"staging deploys: ack p99 @ {rate}/s", sent.Latency.P99, "ms", $"<= {p99Target:F0} ms", sent.Latency.P99 <= p99Target));
            report.Add(new Row("burst", $"staging deploys: ack max @ {rate}/s", sent.Latency.Max, "ms", "<= 2,000 ms", sent.Latency.Max <= 2_000));
            report.Add(new Row("burst", $"staging deploys: errors @ {rate}/s ({sent.Latency.Count} sent)", sent.Errors, "", "0", sent.Errors == 0));
            report.Add(new Row("burst", $"staging deploys: ended / launched @ {rate}/s ({completed} completed)", ended, $"of {launched.Length}",
                "all", ended == launched.Length && launched.Length == sent.Latency.Count - sent.Errors));
            report.Add(new Row("burst", $"staging deploys: first send to every thread ended @ {rate}/s", seconds, "s"));
            details[rate.ToString(CultureInfo.InvariantCulture)] = new
            {
                load_average = load,
                backlog_at_start = backlog,
                latency_ms = sent.Latency.Summary(),
                errors = sent.Errors,
                over_2s = sent.Latency.Over(2_000),
                acks_over_2s_or_errors = bad,
                generator_late_max_ms = sent.LateMs,
                first_error = sent.FirstError,
                launched = launched.Length,
                ended,
                completed,
                seconds_to_all_ended = Math.Round(seconds, 1),
            };
            if (sent.Errors > 0) Console.WriteLine($"  first error: {sent.FirstError}\n  bot output:\n{bot.RecentOutput}");
            Console.WriteLine($"  burst @ {rate}/s: ack p50 {sent.Latency.P50:F1} p99 {sent.Latency.P99:F1} max {sent.Latency.Max:F0} ms, {sent.Errors} errors; {ended}/{launched.Length} ended after {seconds:F1} s");
        }
        report.Details["burst"] = new { seconds_per_rate = options.BurstDuration.TotalSeconds, command = "/deploy svcN to staging", rates = details };
    }

    /// <summary>The threads the burst's commands launched, found by their delivery keys (Slack's trigger ids).</summary>
    private async Task<string[]> LaunchedAsync(string prefix)
    {
        await using var connection = new NpgsqlConnection(_botDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT thread_id FROM deliveries WHERE key LIKE $1", connection);
        command.Parameters.AddWithValue($"slack:trigger:{prefix}.%");
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return [.. ids];
    }
}
