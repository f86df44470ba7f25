using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using Npgsql;

namespace ChatAgent.LoadDriver;

public sealed partial class Run
{
    private const int PartRounds = 5;

    /// <summary>
    /// What each part of a single append costs (issue: "measure what each part costs"): the same one-event appends, 8
    /// writers, as statements that add one part at a time, in <see cref="PartRounds"/> interleaved rounds so a change in
    /// the machine's load falls on every shape alike. Shapes: the bare INSERT on a held connection; the same with a pooled
    /// connection opened per insert (what the store does); the store's own events INSERT with its chain check
    /// (<see cref="PostgresEventStore.InsertEventSql"/>, the one-event form the store uses, with the serialized, sealed row of
    /// <see cref="EventRows.AddAppendParameters"/>); that plus the thread-list upsert; and the whole
    /// <see cref="PostgresEventStore.AppendAsync"/> (deliveries, wake-ups and links empty, as on a step's progress append).
    /// </summary>
    private async Task AppendPartsAsync(PostgresEventStore store, NpgsqlDataSource source)
    {
        var eventsOnly = $"WITH appended AS ({PostgresEventStore.InsertEventSql}) SELECT count(*) FROM appended";
        var withProjection = $"WITH appended AS ({PostgresEventStore.InsertEventSql}), projected AS ({ThreadRows.UpsertSelectPrefix} WHERE EXISTS (SELECT 1 FROM appended) {ThreadRows.OnConflict}) SELECT count(*) FROM appended";
        var shapes = new (string Name, Func<int, Func<long, Task<List<double>>>> Writer)[]
        {
            ("bare INSERT+COMMIT, held connection", w => BareWriterAsync(source, w, 1)),
            ("bare INSERT+COMMIT, pooled connection opened per insert", w => PooledBareWriterAsync(source, w)),
            ("events row + chain check (the store's one-event INSERT, sealed row)", w => PartWriterAsync(source, eventsOnly)),
            ("+ thread-list upsert", w => PartWriterAsync(source, withProjection)),
            ("the store's append (no delivery key, wake-ups or links: the parts it leaves out)", w => StoreWriterAsync(store, w, 1)),
        };
        var round = options.AppendDuration / PartRounds * 2;
        var totals = await InterleavedAsync([.. shapes.Select(s => s.Writer)], PartRounds, round);
        var bare = totals[0].PerSecond;
        var parts = new List<object>();
        for (var i = 1; i < shapes.Length; i++)
        {
            report.Add(new Row("appends", $"part: {shapes[i].Name}, appends/s", totals[i].PerSecond, "/s", null, null, "bare INSERT+COMMIT/s, held connection, same rounds", bare));
            parts.Add(new { shape = shapes[i].Name, per_second = totals[i].PerSecond, p50_ms = totals[i].Latency.P50 });
        }
        report.Details["append_parts"] = new { rounds = PartRounds, seconds_per_round = round.TotalSeconds, bare_per_second = bare, bare_p50_ms = totals[0].Latency.P50, parts };
    }

    private static Func<long, Task<List<double>>> PooledBareWriterAsync(NpgsqlDataSource source, int writer) => async stopAt =>
    {
        var id = $"th_pooled_{writer}_{Guid.NewGuid():N}";
        var actor = System.Text.Json.JsonSerializer.Serialize(Loop, EventJson.Options);
        long version = 0;
        var latencies = new List<double>();
        while (Machine.Now() < stopAt)
        {
            var data = EventJson.Serialize(Progress(version, 1)[0].Data);
            var t = Machine.Now();
            await using (var connection = await source.OpenConnectionAsync())
            await using (var command = new NpgsqlCommand("INSERT INTO bare_events (thread_id, seq, type, data, actor, at) VALUES ($1, $2, 'message_queued', $3::jsonb, $4::jsonb, now())", connection))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version + 1 });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = data });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor });
                await command.PrepareAsync();
                await command.ExecuteNonQueryAsync();
            }
            latencies.Add(Machine.MsSince(t));
            version++;
        }
        return latencies;
    };

    /// <summary>One writer of <paramref name="sql"/> (the store's parameters $1..$25) on its own thread, chaining its own seals.</summary>
    private static Func<long, Task<List<double>>> PartWriterAsync(NpgsqlDataSource source, string sql) => async stopAt =>
    {
        var id = $"th_part_{Guid.NewGuid():N}";
        var started = DateTimeOffset.UtcNow;
        var summary = new ThreadSummary(id, "deploy", "running", 0, 8, 0, "api", "api:load", 0, started, started);
        long version = 0;
        string? head = null;
        var latencies = new List<double>();
        while (Machine.Now() < stopAt)
        {
            var t = Machine.Now();
            await using (var connection = await source.OpenConnectionAsync())
            await using (var command = new NpgsqlCommand(sql, connection))
            {
                var seals = EventRows.AddAppendParameters(command.Parameters, id, version, Progress(version, 1), summary with { Version = version + 1, UpdatedAt = DateTimeOffset.UtcNow }, null, head, null, single: true);
                await command.PrepareAsync();
                if ((long)(await command.ExecuteScalarAsync())! != 1) throw new InvalidOperationException($"{id}: the chain check refused seq {version + 1}");
                head = seals.Seals[^1];
            }
            latencies.Add(Machine.MsSince(t));
            version++;
        }
        return latencies;
    };
}
