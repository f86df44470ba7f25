using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs.Tests;

/// <summary>
/// Runs and deliveries do their CPU work below the host's priority, so requests are served first when the work fills
/// the cores: on threads of their own whose nice value (Linux, per thread) is the host's plus <c>Jobs:WorkNiceness</c>,
/// and every await of the work comes back to them.
/// </summary>
public sealed class WorkSchedulerTests
{
    private static WorkScheduler Scheduler(int niceness) =>
        new(Options.Create(new JobsOptions { WorkNiceness = niceness }), NullLogger<WorkScheduler>.Instance);

    /// <summary>Field 19 of a <c>stat</c> file (the nice value), counted after the command name's closing parenthesis.</summary>
    private static int Niceness(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);

    private static int HostNiceness() => Niceness(File.ReadAllText("/proc/self/stat"));

    private static int ThisThreadsNiceness() => Niceness(File.ReadAllText("/proc/thread-self/stat"));

    private static Task<T> StartOn<T>(TaskScheduler scheduler, Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();

    [Fact]
    public async Task Work_RunsFiveNicenessStepsBelowTheHost_BeforeAndAfterEachAwait()
    {
        using var scheduler = Scheduler(5);

        var seen = await StartOn(scheduler.Scheduler, async () =>
        {
            var at = new List<(int Niceness, string? Thread)> { (ThisThreadsNiceness(), Thread.CurrentThread.Name) };
            await Task.Delay(5);
            at.Add((ThisThreadsNiceness(), Thread.CurrentThread.Name));
            // Completed on the thread pool (as a library's I/O is), once the work waits for it: the work still
            // continues on its own threads.
            var io = new TaskCompletionSource();
            var waiting = new TaskCompletionSource();
            _ = Task.Run(async () =>
            {
                await waiting.Task;
                io.SetResult();
            });
            await new Registered(io.Task, waiting);
            at.Add((ThisThreadsNiceness(), Thread.CurrentThread.Name));
            return at;
        });

        var expected = Math.Min(19, HostNiceness() + 5);
        Assert.All(seen, s =>
        {
            Assert.Equal(expected, s.Niceness);
            Assert.StartsWith("chatagent-work-", s.Thread);
        });
        // The thread pool (requests) keeps the host's priority.
        Assert.Equal(HostNiceness(), await Task.Run(ThisThreadsNiceness));
    }

    [Fact]
    public async Task NicenessZero_RunsTheWorkOnTheThreadPool_AtTheHostsPriority()
    {
        using var scheduler = Scheduler(0);

        var (niceness, pool) = await StartOn(scheduler.Scheduler, () => Task.FromResult((ThisThreadsNiceness(), Thread.CurrentThread.IsThreadPoolThread)));

        Assert.Same(TaskScheduler.Default, scheduler.Scheduler);
        Assert.Equal(HostNiceness(), niceness);
        Assert.True(pool);
    }

    [Fact]
    public async Task WorkStillWaiting_WhenTheSchedulerIsDisposed_FinishesOnTheThreadPool()
    {
        var scheduler = Scheduler(5);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = StartOn(scheduler.Scheduler, async () =>
        {
            await new Registered(gate.Task, waiting);
            return Thread.CurrentThread.IsThreadPoolThread;
        });
        // The work's continuation is registered (under this scheduler) before the scheduler goes.
        await waiting.Task;

        scheduler.Dispose();
        gate.SetResult();

        // A stopping host's last hand-ons are never stranded on threads that have gone.
        Assert.True(await work.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Awaits <paramref name="task"/> as an await does, and says when its continuation is registered.</summary>
    private readonly struct Registered(Task task, TaskCompletionSource registered) : System.Runtime.CompilerServices.ICriticalNotifyCompletion
    {
        public Registered GetAwaiter() => this;

        public bool IsCompleted => false;

        public void GetResult() => task.GetAwaiter().GetResult();

        public void OnCompleted(Action continuation)
        {
            task.GetAwaiter().OnCompleted(continuation);
            registered.SetResult();
        }

        public void UnsafeOnCompleted(Action continuation)
        {
            task.GetAwaiter().UnsafeOnCompleted(continuation);
            registered.SetResult();
        }
    }
}
