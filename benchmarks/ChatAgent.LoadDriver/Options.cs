namespace ChatAgent.LoadDriver;

/// <summary>Command line: <c>[--quick] [--postgres CONN] [--only a,b] [--out FILE]</c>.</summary>
public sealed record Options(bool Quick, string? Postgres, IReadOnlySet<string> Only, string? Out)
{
    public static readonly string[] Sections = ["appends", "stepcost", "slash", "burst", "clicks", "loop", "memory"];

    public const string PostgresVariable = "CHATAGENT_LOAD_POSTGRES";

    public int[] Rates { get; } = [50, 100, 200];

    public TimeSpan RateDuration => TimeSpan.FromSeconds(Quick ? 3 : 10);

    /// <summary>How long the slash section sends its commands at each rate, unmeasured, before it measures them.</summary>
    public TimeSpan WarmUpDuration => TimeSpan.FromSeconds(Quick ? 1 : 3);

    /// <summary>The burst of staging deploys lasts as the issue's scenario does, 10 s, in both runs (it is the point).</summary>
    public TimeSpan BurstDuration => TimeSpan.FromSeconds(10);

    public int Approvals => Quick ? 10 : 40;

    public int LoopThreads => Quick ? 200 : 1_000;

    public int StepCostThreads => Quick ? 10 : 30;

    public TimeSpan AppendDuration => TimeSpan.FromSeconds(Quick ? 2 : 5);

    public int AppendWriters => 8;

    /// <summary>The same in both runs, so the per-thread memory figure of --quick measures what the full run does.</summary>
    public int WaitingThreads => 1_000;

    public bool Runs(string section) => Only.Count == 0 || Only.Contains(section);

    public static Options Parse(string[] args)
    {
        bool quick = false;
        string? postgres = Environment.GetEnvironmentVariable(PostgresVariable), output = null;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--postgres": postgres = args[++i]; break;
                case "--out": output = args[++i]; break;
                case "--only":
                    foreach (var s in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        only.Add(Sections.Contains(s) ? s : throw new ArgumentException($"Unknown section {s}; one of {string.Join(", ", Sections)}"));
                    break;
                case "-h" or "--help":
                    Console.WriteLine($"""
                        dotnet run -c Release --project benchmarks/ChatAgent.LoadDriver -- [--quick] [--postgres CONN] [--only {string.Join(',', Sections)}] [--out FILE]
                          --quick     shorter runs (~1-2 min) for a smoke check; the full run takes ~5-8 min
                          --postgres  a server whose user may CREATE DATABASE (or {PostgresVariable}); default: a throwaway cluster (initdb/pg_ctl, fsync on)
                          --out       the JSON file (default benchmarks/results/<date>-<host>[-quick].json)
                        """);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} (try --help)");
            }
        }
        return new Options(quick, postgres, only, output);
    }
}
