using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.TestSupport;
using Npgsql;
using NpgsqlTypes;

namespace ChatAgent.LoadDriver;

public sealed partial class Run
{
    private const int Batch = 100;

    /// <summary>
    /// Appends through <see cref="PostgresEventStore"/> (N writers, each on its own thread, at expected versions) — one
    /// event per append, then 100 per append — next to a bare Npgsql INSERT+COMMIT loop of the same rows into a plain
    /// table with the same primary key, on the same server, same writers.
    /// </summary>
    public async Task AppendsAsync()
    {
        var db = await PostgresServer.CreateDatabaseAsync();
        var store = Store(db);
        await store.EnsureSchemaAsync();
        var source = NpgsqlDataSource.Create(db);
        _owned.Add(source);
        await using (var create = source.CreateCommand(
            "CREATE TABLE bare_events (thread_id text NOT NULL, seq bigint NOT NULL, type text NOT NULL, data jsonb NOT NULL, actor jsonb NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (thread_id, seq))"))
            await create.ExecuteNonQueryAsync();

        // The first pass of each runs on a cold process and fresh tables (tier-0 code, empty pools); the store goes first,
        // so it alone paid for that before 2026-12-04, at ~0.6× its warm rate. The target row compares warm rates, store
        // and bare alternating in the same rounds so a change in the machine's load falls on both alike.
        var cold = await WritersAsync(w => StoreWriterAsync(store, w, 1));
        var coldBare = await WritersAsync(w => BareWriterAsync(source, w, 1));
        var warm = await InterleavedAsync([w => StoreWriterAsync(store, w, 1), w => BareWriterAsync(source, w, 1)], SingleRounds, options.AppendDuration / SingleRounds);
        var (single, bare) = (warm[0], warm[1]);
        var batched = await WritersAsync(w => StoreWriterAsync(store, w, Batch));
        var bareBatched = await WritersAsync(w => BareWriterAsync(source, w, Batch));
        _bareCommitsPerSecond = bare.PerSecond;

        var writers = options.AppendWriters;
        report.Add(new Row("appends", $"single appends/s ({writers} writers, 1 event each; warm, interleaved rounds)", single.PerSecond, "/s", ">= 0.5× (ratio)", single.PerSecond >= 0.5 * bare.PerSecond,
            $"bare INSERT+COMMIT/s, {writers} writers, same rounds", bare.PerSecond));
        report.Add(new Row("appends", "single append latency p99 (warm)", single.Latency.P99, "ms", null, null, "bare INSERT+COMMIT p99, same rounds", bare.Latency.P99));
        report.Add(new Row("appends", $"single appends/s in the first {options.AppendDuration.TotalSeconds:0} s (cold process, fresh tables)", cold.PerSecond, "/s", null, null,
            $"bare INSERT+COMMIT/s, the {options.AppendDuration.TotalSeconds:0} s after it", coldBare.PerSecond));
        report.Add(new Row("appends", $"batched events/s ({writers} writers, {Batch} per append)", batched.PerSecond * Batch, "/s", ">= 20,000/s", batched.PerSecond * Batch >= 20_000,
            $"bare {Batch}-row INSERT+COMMIT rows/s", bareBatched.PerSecond * Batch));
        report.Details["appends"] = new
        {
            writers,
            seconds = options.AppendDuration.TotalSeconds,
            rounds = SingleRounds,
            store_single = new { per_second = single.PerSecond, latency_ms = single.Latency.Summary() },
            bare_single = new { per_second = bare.PerSecond, latency_ms = bare.Latency.Summary() },
            store_single_cold = new { per_second = cold.PerSecond, latency_ms = cold.Latency.Summary() },
            bare_single_after_cold = new { per_second = coldBare.PerSecond, latency_ms = coldBare.Latency.Summary() },
            store_batched = new { appends_per_second = batched.PerSecond, events_per_second = batched.PerSecond * Batch, latency_ms = batched.Latency.Summary() },
            bare_batched = new { statements_per_second = bareBatched.PerSecond, rows_per_second = bareBatched.PerSecond * Batch, latency_ms = bareBatched.Latency.Summary() },
        };
        await AppendPartsAsync(store, source);
    }

    private sealed record Throughput(double PerSecond, Stats Latency);

    private const int SingleRounds = 5;

    /// <summary>
    /// The <paramref name="shapes"/> taking turns for <paramref name="rounds"/> rounds of <paramref name="round"/> each, so a
    /// change in the machine's load falls on all of them alike; each shape's rate and latencies over all its rounds.
    /// </summary>
    private async Task<Throughput[]> InterleavedAsync(IReadOnlyList<Func<int, Func<long, Task<List<double>>>>> shapes, int rounds, TimeSpan round)
    {
        var totals = shapes.Select(_ => (Rate: 0.0, Latencies: new List<double>())).ToArray();
        for (var r = 0; r < rounds; r++)
            for (var i = 0; i < shapes.Count; i++)
            {
                var t = await WritersAsync(shapes[i], round);
                totals[i] = (totals[i].Rate + t.PerSecond / rounds, [.. totals[i].Latencies, .. t.Latency.Values]);
            }
        return [.. totals.Select(t => new Throughput(t.Rate, new Stats(t.Latencies)))];
    }

    /// <summary>Runs <see cref="Options.AppendWriters"/> writers for <see cref="Options.AppendDuration"/>; each returns its latencies (ms).</summary>
    private async Task<Throughput> WritersAsync(Func<int, Func<long, Task<List<double>>>> writer, TimeSpan? duration = null)
    {
        var stopAt = Machine.Now() + (long)((duration ?? options.AppendDuration).TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var start = Machine.Now();
        var all = await Task.WhenAll(Enumerable.Range(0, options.AppendWriters).Select(w => Task.Run(() => writer(w)(stopAt))));
        var seconds = Machine.MsSince(start) / 1000;
        return new Throughput(all.Sum(l => l.Count) / seconds, new Stats(all.SelectMany(l => l)));
    }

    private static readonly Actor Loop = Actor.System;

    private static IReadOnlyList<NewEvent> Progress(long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new NewEvent(new MessageQueued("status", "status", $"Step {from + i}: ran run_tests for api (1.4.2), 42 tests passed."), Loop, DateTimeOffset.UtcNow))];

    private static Func<long, Task<List<double>>> StoreWriterAsync(PostgresEventStore store, int writer, int batch) => async stopAt =>
    {
        var id = $"th_load_{batch}_{writer}_{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var summary = new ThreadSummary(id, "deploy", "running", 0, 8, 0, "api", "api:load", 0, now, now);
        var user = Actor.User("web:alice");
        await store.AppendAsync(id, 0, [
            new NewEvent(new ThreadStarted("deploy", "api to production", new Dictionary<string, string> { ["service"] = "api", ["env"] = "production" }, new Origin("api"), 8), user, now),
            new NewEvent(new UserInput("api to production"), user, now)], summary with { Version = 2 });
        long version = 2;
        var latencies = new List<double>();
        while (Machine.Now() < stopAt)
        {
            var t = Machine.Now();
            await store.AppendAsync(id, version, Progress(version, batch), summary with { Version = version + batch, UpdatedAt = DateTimeOffset.UtcNow });
            latencies.Add(Machine.MsSince(t));
            version += batch;
        }
        return latencies;
    };

    private static Func<long, Task<List<double>>> BareWriterAsync(NpgsqlDataSource source, int writer, int batch) => async stopAt =>
    {
        var id = $"th_bare_{batch}_{writer}_{Guid.NewGuid():N}";
        var actor = System.Text.Json.JsonSerializer.Serialize(Loop, EventJson.Options);
        await using var connection = await source.OpenConnectionAsync();
        await using var command = batch == 1
            ? new NpgsqlCommand("INSERT INTO bare_events (thread_id, seq, type, data, actor, at) VALUES ($1, $2, $3, $4, $5, $6)", connection)
            : new NpgsqlCommand("""
                INSERT INTO bare_events (thread_id, seq, type, data, actor, at)
                SELECT $1, $2 + u.ord, $3, u.data, $5, $6 FROM unnest($4::jsonb[]) WITH ORDINALITY AS u(data, ord)
                """, connection);
        var pId = new NpgsqlParameter<string> { TypedValue = id };
        var pSeq = new NpgsqlParameter<long>();
        var pType = new NpgsqlParameter<string> { TypedValue = "message_queued" };
        var pOne = new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb };
        var pMany = new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb };
        var pActor = new NpgsqlParameter<string> { TypedValue = actor, NpgsqlDbType = NpgsqlDbType.Jsonb };
        var pAt = new NpgsqlParameter<DateTime>();
        command.Parameters.Add(pId);
        command.Parameters.Add(pSeq);
        command.Parameters.Add(pType);
        command.Parameters.Add(batch == 1 ? (NpgsqlParameter)pOne : pMany);
        command.Parameters.Add(pActor);
        command.Parameters.Add(pAt);
        long version = 0;
        var latencies = new List<double>();
        while (Machine.Now() < stopAt)
        {
            var events = Progress(version, batch);
            pSeq.TypedValue = version + (batch == 1 ? 1 : 0);
            if (batch == 1) pOne.TypedValue = EventJson.Serialize(events[0].Data);
            else pMany.TypedValue = [.. events.Select(e => EventJson.Serialize(e.Data))];
            pAt.TypedValue = DateTime.UtcNow;
            var t = Machine.Now();
            if (version == 0) await command.PrepareAsync();
            await command.ExecuteNonQueryAsync();
            latencies.Add(Machine.MsSince(t));
            version += batch;
        }
        return latencies;
    };
}
