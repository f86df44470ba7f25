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
