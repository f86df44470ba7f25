using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChatAgent.TestSupport;
using Npgsql;

namespace ChatAgent.LoadDriver;

public sealed partial class Run
{
    /// <summary>
    /// Signed Slack slash commands (<c>/deploy svcN to qa</c>: a launch whose first step asks a question, so every
    /// command is a durable append before its 200 plus one step and one chat message afterwards) at fixed open-loop
    /// rates, next to the empty endpoint at the same rates. Latency runs from each request's scheduled send time to the
    /// whole answer read, so a late generator counts against us (no coordinated omission).
    /// </summary>
    public async Task SlashCommandsAsync()
    {
        var bot = await BotAsync();
        var floor = await CommitFloorSourceAsync();
        var (emptyProcess, empty) = await EmptyEndpoint.StartAsync();
        try
        {
            var runId = Guid.NewGuid().ToString("N")[..8];
            var details = new Dictionary<string, object>();
            foreach (var rate in options.Rates)
            {
                // Warm both: connections, JIT, pools. The bot also takes the same commands at the same rate for a while
                // first, as a bot that has been running has: its tiered JIT recompiles the hot paths in the background,
                // which took a quarter of its CPU in a cold section (a `perf` sample, docs/PERFORMANCE.md), and the
                // figures measure the answers, not the compiler. The backlog they leave drains before the measurement.
                for (var i = 0; i < 20; i++)
                {
                    using var a = await empty.SendAsync(Command($"{runId}.w{rate}", i, "help", "/agent"));
                    using var b = await bot.Client.SendAsync(Command($"{runId}.w{rate}", i, "help", "/agent"));
                }
                await OpenLoopAsync(bot.Client.SendAsync, rate, options.WarmUpDuration, i => Command($"{runId}.w{rate}", i, $"svc{i} to qa"), body => body.Contains("Started deploy", StringComparison.Ordinal));
                var backlog = await DrainAsync(_botDb, TimeSpan.FromSeconds(options.Quick ? 30 : 60));
                var load = Machine.LoadAverage();
                var baseline = await OpenLoopAsync(empty.SendAsync, rate, options.RateDuration, i => Command($"{runId}.e{rate}", i, $"svc{i} to qa"), body => body.Contains("ok", StringComparison.Ordinal));
                var commits = await OpenLoopAsync(rate, options.RateDuration, (i, due) => CommitAsync(floor, i, due));
                var ours = await OpenLoopAsync(bot.Client.SendAsync, rate, options.RateDuration, i => Command($"{runId}.{rate}", i, $"svc{i} to qa"), body => body.Contains("Started deploy", StringComparison.Ordinal));
                var target = rate == 200;
                report.Add(new Row("slash", $"ack p50 @ {rate}/s", ours.Latency.P50, "ms", target ? "<= 3× (ratio)" : null, target ? ours.Latency.P50 <= 3 * baseline.Latency.P50 : null, "empty Kestrel endpoint p50", baseline.Latency.P50));
                report.Add(new Row("slash", $"ack p99 @ {rate}/s", ours.Latency.P99, "ms", target ? "<= 10× (ratio)" : null, target ? ours.Latency.P99 <= 10 * baseline.Latency.P99 : null, "empty Kestrel endpoint p99", baseline.Latency.P99));
                report.Add(new Row("slash", $"ack max @ {rate}/s", ours.Latency.Max, "ms", null, null, "empty Kestrel endpoint max", baseline.Latency.Max));
                report.Add(new Row("slash", $"floor: one bare INSERT+COMMIT per command, p50 @ {rate}/s", commits.Latency.P50, "ms", null, null, "empty Kestrel endpoint p50", baseline.Latency.P50));
                report.Add(new Row("slash", $"acks > 2 s / errors @ {rate}/s ({ours.Latency.Count} sent)", ours.Latency.Over(2_000) + ours.Errors, "", "0", ours.Latency.Over(2_000) + ours.Errors == 0));
                details[rate.ToString(CultureInfo.InvariantCulture)] = new
                {
                    load_average = load,
                    backlog_at_start = backlog,
                    bot = new { latency_ms = ours.Latency.Summary(), errors = ours.Errors, over_2s = ours.Latency.Over(2_000), generator_late_max_ms = ours.LateMs, first_error = ours.FirstError },
                    empty_endpoint = new { latency_ms = baseline.Latency.Summary(), errors = baseline.Errors, generator_late_max_ms = baseline.LateMs },
                    commit_floor = new { latency_ms = commits.Latency.Summary(), errors = commits.Errors, first_error = commits.FirstError },
                };
                if (ours.Errors > 0) Console.WriteLine($"  first error: {ours.FirstError}\n  bot output:\n{bot.RecentOutput}");
                Console.WriteLine($"  @ {rate}/s: ours p50 {ours.Latency.P50:F1} p99 {ours.Latency.P99:F1} max {ours.Latency.Max:F0} ms, {ours.Errors} errors; empty p50 {baseline.Latency.P50:F1} p99 {baseline.Latency.P99:F1} ms");
            }
            report.Details["slash_commands"] = new { seconds_per_rate = options.RateDuration.TotalSeconds, command = "/deploy svcN to qa", rates = details };
            await DrainAsync(_botDb, TimeSpan.FromSeconds(options.Quick ? 30 : 90));
        }
        finally
        {
            emptyProcess.Kill(entireProcessTree: true);
            await emptyProcess.WaitForExitAsync();
            emptyProcess.Dispose();
            empty.Dispose();
        }
    }

    /// <summary>A slash command as Slack sends it: form body, <c>X-Slack-Request-Timestamp</c> and the v0 signature.</summary>
    private static HttpRequestMessage Command(string run, int i, string text, string word = "/deploy")
    {
        var body = $"token=x&team_id=T0LOAD&team_domain=acme&channel_id=C{i % 20:D3}&channel_name=load&user_id=U{i % 7:D3}&user_name=alice"
            + $"&command={Uri.EscapeDataString(word)}&text={Uri.EscapeDataString(text)}&api_app_id=A0LOAD&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0%2F1%2Fx&trigger_id={run}.{i}";
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningSecret), (byte[])[.. Encoding.UTF8.GetBytes($"v0:{timestamp}:"), .. bytes]);
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
        return request;
    }

    private sealed record OpenLoopResult(Stats Latency, int Errors, double LateMs, string? FirstError);

    /// <summary>Sends at a fixed rate regardless of answers (open loop) for <paramref name="duration"/>.</summary>
    private static Task<OpenLoopResult> OpenLoopAsync(Func<HttpRequestMessage, Task<HttpResponseMessage>> send, int rate, TimeSpan duration,
        Func<int, HttpRequestMessage> make, Func<string, bool> ok) =>
        OpenLoopAsync(rate, duration, (i, due) => SendOneAsync(send, make(i), due, ok));

    /// <summary>
    /// The floor under any durable acknowledgement at a rate: what one fsync'd commit per command costs on this machine
    /// (a bare one-row INSERT on a pooled connection of the bot's PostgreSQL, in a database of its own), open loop like
    /// the commands. An answer that waits for its commit can be no faster.
    /// </summary>
    private async Task<NpgsqlDataSource> CommitFloorSourceAsync()
    {
        var source = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());
        _owned.Add(source);
        await using var create = source.CreateCommand("CREATE TABLE floor_commits (id bigserial PRIMARY KEY, n integer NOT NULL, at timestamptz NOT NULL)");
        await create.ExecuteNonQueryAsync();
        return source;
    }

    private static async Task<(double Ms, string? Error)> CommitAsync(NpgsqlDataSource source, int i, long due)
    {
        try
        {
            await using var command = source.CreateCommand("INSERT INTO floor_commits (n, at) VALUES ($1, now())");
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = i });
            await command.ExecuteNonQueryAsync();
            return (Stopwatch.GetElapsedTime(due).TotalMilliseconds, null);
        }
        catch (NpgsqlException e)
        {
            return (Stopwatch.GetElapsedTime(due).TotalMilliseconds, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>Starts <paramref name="one"/>(i, due time) at a fixed rate regardless of answers (open loop) for <paramref name="duration"/>.</summary>
    private static async Task<OpenLoopResult> OpenLoopAsync(int rate, TimeSpan duration, Func<int, long, Task<(double Ms, string? Error)>> one)
    {
        var n = (int)Math.Round(rate * duration.TotalSeconds);
        var sends = new List<Task<(double Ms, string? Error)>>(n);
        var start = Stopwatch.GetTimestamp();
        double late = 0;
        for (var i = 0; i < n; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            while (true)
            {
                var wait = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                if (wait <= 0) break;
                if (wait > 1.5) await Task.Delay(1);
                else Thread.SpinWait(50);
            }
            late = Math.Max(late, Stopwatch.GetElapsedTime(due).TotalMilliseconds);
            sends.Add(one(i, due));
        }
        var results = await Task.WhenAll(sends);
        var errors = results.Where(r => r.Error is not null).ToList();
        return new OpenLoopResult(new Stats(results.Select(r => r.Ms)), errors.Count, late, errors.FirstOrDefault().Error);
    }

    private static async Task<(double Ms, string? Error)> SendOneAsync(Func<HttpRequestMessage, Task<HttpResponseMessage>> send, HttpRequestMessage request, long due, Func<string, bool> ok)
    {
        try
        {
            using (request)
            using (var response = await send(request))
            {
                var body = await response.Content.ReadAsStringAsync();
                var ms = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                return (ms, response.IsSuccessStatusCode && ok(body) ? null : $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 200)]}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (Stopwatch.GetElapsedTime(due).TotalMilliseconds, e.GetType().Name + ": " + e.Message);
        }
    }
}
