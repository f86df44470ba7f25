// The load driver: starts the real bot (dotnet ChatAgent.Bot.dll) on PostgreSQL, drives it over loopback HTTP, and
// measures each figure of the issue's targets next to its nearest limit in the same run. Prints a markdown table and
// writes JSON to benchmarks/results/<date>-<host>.json.
//   dotnet run -c Release --project benchmarks/ChatAgent.LoadDriver            # full run, ~5-8 min
//   dotnet run -c Release --project benchmarks/ChatAgent.LoadDriver -- --quick # ~1-2 min
using System.Globalization;
using System.Text.Json;
using ChatAgent.LoadDriver;
using ChatAgent.TestSupport;
using Npgsql;

if (args.Length == 2 && args[0] == EmptyEndpoint.Flag)
{
    await EmptyEndpoint.ServeAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
    return 0;
}

var options = Options.Parse(args);
if (options.Postgres is not null) Environment.SetEnvironmentVariable(PostgresServer.EnvironmentVariable, options.Postgres);
var started = DateTimeOffset.UtcNow;
var machine = Machine.Describe();
Console.WriteLine($"ChatAgent load driver ({(options.Quick ? "quick" : "full")} run) on {machine["host"]}: {machine["nproc"]} cores, {machine["cpu"]}, load average {machine["load_average_start"]}");

var report = new Report();
using var data = new TempDirectory();
var run = new Run(options, report, data.Path);
await using (run)
{
    var info = await run.PrepareAsync();
    foreach (var (k, v) in info) machine[k] = v;
    Console.WriteLine($"PostgreSQL {machine["postgres"]} (fsync {machine["fsync"]}, synchronous_commit {machine["synchronous_commit"]}), bot {BotProcess.BotDll}");
    if (options.Runs("appends")) await Section("appends", run.AppendsAsync);
    if (options.Runs("stepcost")) await Section("stepcost", run.StepCostAsync);
    if (options.Runs("slash")) await Section("slash", run.SlashCommandsAsync);
    if (options.Runs("burst")) await Section("burst", run.BurstAsync);
    if (options.Runs("clicks")) await Section("clicks", run.ClicksAsync);
    if (options.Runs("loop")) await Section("loop", run.LoopAsync);
    if (options.Runs("memory")) await Section("memory", run.MemoryAsync);
}
machine["load_average_end"] = Machine.LoadAverage();
var elapsed = DateTimeOffset.UtcNow - started;

var markdown = report.Markdown();
Console.WriteLine();
Console.WriteLine($"Measured {started:yyyy-MM-dd HH:mm} UTC on {machine["host"]}: {machine["nproc"]} cores ({machine["cpu"]}), {machine["memory"]} RAM, PostgreSQL {machine["postgres"]} local " +
    $"(fsync {machine["fsync"]}, synchronous_commit {machine["synchronous_commit"]}), {machine["dotnet"]}; load average {machine["load_average_start"]} at start, {machine["load_average_end"]} at end; " +
    $"{(options.Quick ? "--quick" : "full")} run, {elapsed.TotalSeconds:F0} s.");
Console.WriteLine();
Console.WriteLine(markdown);

var file = options.Out ?? Path.Combine(RepositoryPaths.Root, "benchmarks", "results",
    $"{started:yyyy-MM-dd}-{Environment.MachineName}{(options.Quick ? "-quick" : "")}.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
{
    date = started,
    mode = options.Quick ? "quick" : "full",
    seconds = Math.Round(elapsed.TotalSeconds),
    machine,
    rows = report.Rows.Select(r => new { r.Area, r.Metric, r.Value, r.Unit, r.Target, r.Met, r.LimitName, r.Limit, r.Ratio }),
    details = report.Details,
}, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
Console.WriteLine($"JSON: {file}");
return 0;

async Task Section(string name, Func<Task> body)
{
    var t = Machine.Now();
    Console.WriteLine($"== {name} (load average {Machine.LoadAverage()})");
    try
    {
        await body();
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        Console.WriteLine($"!! {name} failed: {e.GetType().Name}: {e.Message}");
        report.Details[name + "_error"] = e.ToString();
    }
    Console.WriteLine($"   ({Machine.MsSince(t) / 1000:F0} s)");
}
