using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ChatAgent.TestSupport;

/// <summary>
/// A real PostgreSQL for tests. With <c>CHATAGENT_TEST_POSTGRES</c> set (a connection string whose user may
/// CREATE DATABASE) that server is used; otherwise a throwaway cluster is started once per test process
/// (initdb + pg_ctl in a temp dir, 127.0.0.1 on a free port, fsync on) and stopped at process exit.
/// Each caller of <see cref="CreateDatabaseAsync"/> (each host) gets its own fresh database, named after its test
/// assembly, so tests share no data and share the server only within the connection budget in docs/TESTING.md.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "CHATAGENT_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Admin = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates a uniquely named empty database and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var admin = await Admin.Value;
        var name = $"chatagent_test_{AssemblyTag.Value}_{Guid.NewGuid():N}";
        Created.Add(name);
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static readonly ConcurrentBag<string> Created = [];

    /// <summary>
    /// The test assembly in every database name (<c>chatagent_test_bot_…</c>), so PostgreSQL's log and
    /// <c>pg_stat_activity</c> say which assembly holds which connections when all of them share one server.
    /// </summary>
    private static readonly Lazy<string> AssemblyTag = new(() =>
        AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "")
            .FirstOrDefault(n => n.StartsWith("ChatAgent.", StringComparison.Ordinal) && n.EndsWith(".Tests", StringComparison.Ordinal)) is { } name
            ? name["ChatAgent.".Length..^".Tests".Length].ToLowerInvariant()
            : "other");

    private static Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(configured)) return Task.Run(ThrowawayCluster.Start);
        // A configured server outlives the tests: drop what they created (best effort; the host may be killed first).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropCreatedDatabases(configured);
        return Task.FromResult(configured);
    }

    private static void DropCreatedDatabases(string admin)
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(admin);
            connection.Open();
            foreach (var name in Created)
            {
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
        }
        catch (NpgsqlException)
        {
            // The server went away first (CI stops its cluster): nothing left to clean.
        }
    }

    /// <summary>
    /// A cluster of its own (always a fresh throwaway one, even with <c>CHATAGENT_TEST_POSTGRES</c> set), for a test that
    /// restarts or otherwise disturbs the server. Dispose stops it and deletes its files.
    /// </summary>
    public static Task<PostgresCluster> StartClusterAsync() => Task.Run(() =>
    {
        var cluster = ThrowawayCluster.Create();
        return new PostgresCluster(cluster.ConnectionString, cluster.Restart, cluster.Stop);
    });

    /// <summary>A cluster owned by this test process. initdb refuses to run as root, so root runs it as <c>postgres</c>.</summary>
    private sealed class ThrowawayCluster(string bin, string data, string root, bool asRoot, int port)
    {
        public string ConnectionString => $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";

        /// <summary><c>pg_ctl restart -m fast</c>: clients are disconnected, the server is back on the same port.</summary>
        public void Restart() =>
            Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-m", "fast", "restart"], asRoot);

        public void Stop() => Stop(bin, data, root, asRoot);

        public static string Start()
        {
            var cluster = Create();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
            return cluster.ConnectionString;
        }

        public static ThrowawayCluster Create()
        {
            var bin = FindBinaries();
            var asRoot = Environment.UserName == "root";
            var root = Directory.CreateTempSubdirectory("chatagent-pg-").FullName;
            var data = Path.Combine(root, "data");
            if (asRoot)
            {
                if (Run("id", ["-u", "postgres"], asPostgres: false, throwOnError: false) != 0)
                    Run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], asPostgres: false);
                Run("chown", ["postgres", root], asPostgres: false);
            }

            Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], asRoot);
            var port = FreePort();
            var options = $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c fsync=on -c max_connections=200";
            Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", options, "start"], asRoot);
            return new ThrowawayCluster(bin, data, root, asRoot, port);
        }

        /// <summary>
        /// Stops the server and deletes its directory in a shell of its own: the test host may be killed
        /// moments after exit handlers start, and the shell finishes the clean-up regardless.
        /// </summary>
        private static void Stop(string bin, string data, string root, bool asRoot)
        {
            var start = new ProcessStartInfo("sh") { WorkingDirectory = Path.GetTempPath() };
            var stop = asRoot ? "runuser -u postgres -- \"$1/pg_ctl\"" : "\"$1/pg_ctl\"";
            foreach (var a in new[] { "-c", stop + " -D \"$2\" -m immediate -w stop >/dev/null 2>&1; rm -rf \"$3\"", "sh", bin, data, root })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start);
            process?.WaitForExit(TimeSpan.FromSeconds(5));
        }

        private static string FindBinaries()
        {
            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
            if (onPath is not null) return onPath;
            var installed = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .Select(d => Path.Combine(d, "bin"))
                    .Where(d => File.Exists(Path.Combine(d, "initdb")))
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                    .FirstOrDefault()
                : null;
            return installed ?? throw new InvalidOperationException(
                $"No PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/*/bin. " +
                $"Install PostgreSQL (e.g. apt-get install postgresql) or set {EnvironmentVariable} to a connection string.");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static int Run(string file, IReadOnlyList<string> args, bool asPostgres, bool throwOnError = true)
        {
            var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetTempPath(),
            };
            if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(a);
            foreach (var a in args) start.ArgumentList.Add(a);
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 && throwOnError)
                throw new InvalidOperationException(
                    $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr}");
            return process.ExitCode;
        }
    }
}
