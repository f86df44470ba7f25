using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ChatAgent.LoadDriver;

/// <summary>What the figures were measured on.</summary>
public static class Machine
{
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";

    public static string MemoryTotal() =>
        File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim() : "unknown";

    public static long RssKb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Clock ticks per ms of /proc's CPU times (USER_HZ, 100 a second on Linux).</summary>
    private const double TicksPerMs = 0.1;

    /// <summary>CPU the whole machine has been busy (all cores, everything but idle and iowait), in ms; 0 off Linux.</summary>
    public static double BusyCpuMs()
    {
        if (!File.Exists("/proc/stat")) return 0;
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal
        return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / TicksPerMs;
    }

    /// <summary>CPU a process has used (user + system, its own threads, not its children), in ms; 0 off Linux.</summary>
    public static double ProcessCpuMs(int pid)
    {
        if (!File.Exists($"/proc/{pid}/stat")) return 0;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // After "(name) " the fields start at the 3rd (state): utime is the 14th, stime the 15th.
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture)) / TicksPerMs;
    }

    public static Dictionary<string, object?> Describe() => new()
    {
        ["host"] = Environment.MachineName,
        ["nproc"] = Environment.ProcessorCount,
        ["cpu"] = CpuModel(),
        ["memory"] = MemoryTotal(),
        ["os"] = RuntimeInformation.OSDescription,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["load_average_start"] = LoadAverage(),
    };

    public static long Now() => Stopwatch.GetTimestamp();

    public static double MsSince(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}
